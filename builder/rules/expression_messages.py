"""What people read when an expression cannot be read: plain French first, then English.

Registered with :func:`builder.messages.register` on import; the parser raises
``Problem(code, column=N, **params)`` with these codes.
"""

from __future__ import annotations

from builder.messages import register

MESSAGES = {
    "expr_not_text": (
        "Une expression s'écrit comme un texte, par exemple : age >= 18.",
        "An expression is written as text, for example: age >= 18."),
    "expr_empty": ("L'expression est vide.", "The expression is empty."),
    "expr_too_long": (
        "L'expression est trop longue : {length} caractères, pour {limit} au plus.",
        "The expression is too long: {length} characters, {limit} at most."),
    "expr_too_deep": (
        "L'expression a trop de niveaux les uns dans les autres ({limit} au plus).",
        "The expression is nested too deeply ({limit} levels at most)."),
    "expr_too_big": (
        "L'expression est trop grande : plus de {limit} éléments.",
        "The expression is too big: more than {limit} parts."),
    "expr_unclosed_paren": (
        "Parenthèse non fermée : il manque « ) ».",
        "Unclosed bracket: “)” is missing."),
    "expr_unclosed_bracket": (
        "Crochet non fermé : il manque « ] ».",
        "Unclosed square bracket: “]” is missing."),
    "expr_unclosed_brace": (
        "Accolade non fermée : il manque « }} ».",
        "Unclosed brace: “}}” is missing."),
    "expr_unmatched": (
        "« {char} » ferme quelque chose qui n'a pas été ouvert.",
        "“{char}” closes something that was never opened."),
    "expr_mismatched": (
        "« {char} » ne va pas avec « {opening} » : il faudrait « {expected} ».",
        "“{char}” does not match “{opening}”: “{expected}” was expected."),
    "expr_unterminated_string": (
        "Guillemet non fermé : le texte qui commence ici doit finir par {quote}.",
        "Unclosed quote: the text that starts here must end with {quote}."),
    "expr_backslash": (
        "La barre « \\ » n'est pas permise. Pour mettre un guillemet dans un texte, "
        "entourez le texte de l'autre sorte de guillemets : 'il a dit \"oui\"'.",
        "The backslash “\\” is not allowed. To put a quote in a text, surround the text "
        "with the other kind of quotes: 'she said \"yes\"'."),
    "expr_triple_quote": (
        "Les guillemets triples ne sont pas permis : écrivez le texte entre \" \" ou ' '.",
        "Triple quotes are not allowed: write the text between \" \" or ' '."),
    "expr_incomplete": (
        "Expression incomplète : il manque quelque chose à la fin.",
        "Incomplete expression: something is missing at the end."),
    "expr_syntax": (
        "Expression mal formée à cet endroit.",
        "The expression is malformed at this point."),
    "expr_single_equals": (
        "Pour comparer, écrivez « == » et non « = ».",
        "To compare, write “==”, not “=”."),
    "expr_word": (
        "Écrivez « {expected} » au lieu de « {found} ».",
        "Write “{expected}” instead of “{found}”."),
    "expr_invalid_char": (
        "Caractère non permis : « {char} ».",
        "Character not allowed: “{char}”."),
    "expr_curly_quote": (
        "Guillemet « {char} » non permis : utilisez des guillemets droits \" ou '.",
        "Quote “{char}” not allowed: use straight quotes \" or '."),
    "expr_number_bounds": (
        "Nombre hors limites : un nombre s'écrit avec {digits} chiffres au plus.",
        "Number out of bounds: a number has at most {digits} digits."),
    "expr_bad_number": (
        "Nombre mal écrit : un nombre s'écrit avec des chiffres, et un point pour "
        "les décimales (2.5).",
        "Malformed number: write digits, with a dot for decimals (2.5)."),
    "expr_comma": (
        "Virgule inattendue : une liste s'écrit entre crochets, comme [\"a\", \"b\"], "
        "et un nombre à virgule avec un point, comme 2.5.",
        "Unexpected comma: a list is written in square brackets, like [\"a\", \"b\"], "
        "and a decimal number with a dot, like 2.5."),
    "expr_comma_missing": (
        "Deux textes se suivent sans virgule : dans une liste, séparez-les par une "
        "virgule, comme [\"a\", \"b\"].",
        "Two texts follow each other without a comma: in a list, separate them with a "
        "comma, like [\"a\", \"b\"]."),
    "expr_not_allowed": (
        "{what_fr} : ce n'est pas permis dans une expression.",
        "{what_en}: not allowed in an expression."),
    "expr_unknown_function": (
        "La fonction « {name} » n'existe pas.{hint}",
        "There is no function “{name}”.{hint}"),
    "expr_arity": (
        "« {name} » attend {expected} valeur(s) entre parenthèses, par exemple "
        "{example} ; ici il y en a {given}.",
        "“{name}” takes {expected} value(s) in brackets, for example {example}; "
        "here there are {given}."),
    "expr_answered_name": (
        "answered() prend le nom d'une question, par exemple answered(telephone).",
        "answered() takes the name of a question, for example answered(telephone)."),
    "expr_python_constant": (
        "Écrivez « {expected} » (en minuscules) au lieu de « {found} ».",
        "Write “{expected}” (lower case) instead of “{found}”."),
    "expr_none": (
        "« None » n'existe pas ici : pour savoir si une question a une réponse, "
        "écrivez answered(nom_de_la_question).",
        "“None” does not exist here: to know whether a question has an answer, "
        "write answered(question_name)."),
    "expr_bad_name": (
        "Le nom « {name} » n'est pas permis : un nom s'écrit avec des lettres sans "
        "accent, des chiffres et « _ », sans commencer par un chiffre.",
        "The name “{name}” is not allowed: a name is made of unaccented letters, "
        "digits and “_”, and does not start with a digit."),
    "expr_function_name": (
        "« {name} » est une fonction : écrivez par exemple {example}.",
        "“{name}” is a function: write for example {example}."),
}
register(MESSAGES)

# What a construction outside the language is called, keyed by syntax class or a word.
_BITS = ("Les opérateurs de bits (& | ^ << >> ~) ; pour « et », « ou », écrivez and, or",
         "Bitwise operators (& | ^ << >> ~); for “and”, “or”, write and, or")
_COMPREHENSION = ("Les boucles « for » dans une expression", "“for” loops in an expression")
NOT_ALLOWED = {
    None: ("Cette construction", "This construction"),
    "ast.Attribute": ("Le point après une valeur (a.b)", "A dot after a value (a.b)"),
    "ast.Subscript": ("Les crochets après une valeur (a[0])", "Brackets after a value (a[0])"),
    "ast.Pow": ("La puissance **", "The power operator **"),
    "ast.Mod": ("Le modulo %", "The modulo operator %"),
    "ast.FloorDiv": ("La division entière //", "Integer division //"),
    "ast.MatMult": ("L'opérateur @", "The @ operator"),
    "ast.BitAnd": _BITS, "ast.BitOr": _BITS, "ast.BitXor": _BITS, "ast.LShift": _BITS,
    "ast.RShift": _BITS, "ast.Invert": _BITS,
    "ast.UAdd": ("Le signe + devant une valeur", "A + sign before a value"),
    "ast.Is": ("« is » (écrivez == à la place)", "“is” (write == instead)"),
    "ast.IsNot": ("« is not » (écrivez != à la place)", "“is not” (write != instead)"),
    "ast.Lambda": ("Les fonctions « lambda »", "“lambda” functions"),
    "ast.ListComp": _COMPREHENSION, "ast.SetComp": _COMPREHENSION,
    "ast.DictComp": _COMPREHENSION, "ast.GeneratorExp": _COMPREHENSION,
    "ast.Starred": ("L'étoile * devant une valeur", "A star * before a value"),
    "ast.NamedExpr": ("L'affectation :=", "Assignment with :="),
    "ast.IfExp": ("« … if … else … » (utilisez une condition all:, any: ou not:)",
                  "“… if … else …” (use an all:, any: or not: condition)"),
    "ast.Dict": ("Les accolades { }", "Braces { }"),
    "ast.Set": ("Les accolades { }", "Braces { }"),
    "ast.JoinedStr": ("Les textes f\"…\"", "f\"…\" strings"),
    "ast.Await": ("« await »", "“await”"),
    "ast.Yield": ("« yield »", "“yield”"),
    "ast.YieldFrom": ("« yield »", "“yield”"),
    "bytes": ("Les textes b\"…\"", "b\"…\" strings"),
    "complex": ("Les nombres complexes", "Complex numbers"),
    "ellipsis": ("« ... »", "“...”"),
    "()": ("Des parenthèses vides", "Empty brackets"),
    "call": ("Appeler autre chose qu'une fonction",
             "Calling something that is not a function"),
    "keywords": ("Les arguments nommés, comme f(x=1)", "Named arguments, like f(x=1)"),
}

# French (and usual) words written where the language wants its own.
FRENCH_WORDS = {"et": "and", "ou": "or", "non": "not", "pas": "not", "dans": "in",
                "parmi": "in", "vrai": "true", "faux": "false"}
