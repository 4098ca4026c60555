// The Publicodes side of bench/engine.py.
//
// Usage: node evaluate.mjs CACHE_DIR [RUNS] < situations.json
//
// CACHE_DIR is the folder publicodes was installed into with `npm install --prefix`.
// stdin is a JSON list of situations in Tremplin's shape:
//   [{"age": 19, "resident_france": true, "etudiant": false, "boursier": false}, ...]
// stdout is one JSON object:
//   {"version": "1.10.3", "results": [true, false, ...], "seconds": 0.9, "runs": [...]}
// where `seconds` is the best of RUNS timed passes over every situation (each pass:
// setSituation + evaluate('éligible') per situation), measured with performance.now()
// after a warm-up pass; node start-up, reading stdin and building the engine are not
// counted.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'

const [cacheArg, runsArg] = process.argv.slice(2)
if (!cacheArg) {
  console.error('usage: node evaluate.mjs CACHE_DIR [RUNS] < situations.json')
  process.exit(2)
}
const cacheDir = resolve(cacheArg)
const RUNS = Number(runsArg ?? 5)

// Resolve publicodes from the cache folder, not from beside this script.
const require = createRequire(join(cacheDir, 'package.json'))
const Engine = require('publicodes').default
const { version } = JSON.parse(
  readFileSync(join(cacheDir, 'node_modules', 'publicodes', 'package.json'), 'utf8'),
)

// "16 ≤ age ≤ 25 and resident in France and (not a student or a scholarship holder)".
// The four inputs are questions with a default value, as a simulator would write them.
const rules = {
  age: {
    question: 'Quel est votre âge ?',
    'par défaut': 18,
  },
  'résident en France': {
    question: 'Résidez-vous en France ?',
    'par défaut': 'oui',
  },
  étudiant: {
    question: 'Êtes-vous étudiant ou étudiante ?',
    'par défaut': 'non',
  },
  boursier: {
    question: 'Êtes-vous boursier ou boursière ?',
    'par défaut': 'non',
  },
  éligible: {
    'toutes ces conditions': [
      'age >= 16',
      'age <= 25',
      'résident en France',
      { 'une de ces conditions': ['étudiant = non', 'boursier'] },
    ],
  },
}

/** A Tremplin-shaped situation as a publicodes situation (booleans are oui / non). */
function toPublicodes(s) {
  const yesNo = (value) => (value ? 'oui' : 'non')
  return {
    age: s.age,
    'résident en France': yesNo(s.resident_france),
    étudiant: yesNo(s.etudiant),
    boursier: yesNo(s.boursier),
  }
}

/** One pass over every situation: the value of `éligible` for each. */
function evaluateAll(engine, situations) {
  const results = new Array(situations.length)
  for (let i = 0; i < situations.length; i++) {
    engine.setSituation(situations[i])
    results[i] = engine.evaluate('éligible').nodeValue
  }
  return results
}

const input = JSON.parse(readFileSync(0, 'utf8'))
const situations = input.map(toPublicodes)
const engine = new Engine(rules, { logger: { log() {}, warn() {}, error: console.error } })

let results = evaluateAll(engine, situations) // warm-up (JIT, caches)
const runs = []
for (let run = 0; run < RUNS; run++) {
  const start = performance.now()
  const current = evaluateAll(engine, situations)
  runs.push((performance.now() - start) / 1000)
  results = current
}

const bad = results.findIndex((value) => value !== true && value !== false)
if (bad !== -1) {
  console.error(`publicodes gave ${JSON.stringify(results[bad])} for situation ${bad}: ${JSON.stringify(input[bad])}`)
  process.exit(1)
}
process.stdout.write(JSON.stringify({ version, results, seconds: Math.min(...runs), runs }) + '\n')
