"""One size limit for service files, whether the command line or the studio reads them
(``TREMPLIN_MAX_SERVICE_BYTES``, 1,000,000 bytes by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from builder.db import get_db
from builder.format.yaml_lines import DEFAULT_MAX_BYTES, MAX_BYTES
from builder.serving import EXAMPLES
from builder.storage import workspace

ROOT = Path(__file__).resolve().parent.parent


def service_of_size(size: int) -> str:
    """The « avis » example grown to about ``size`` bytes by comments with accents."""
    text = (EXAMPLES / "avis.yaml").read_text(encoding="utf-8")
    grown = text + "".join(f"# Ligne {n} de présentation, écrite à la main.\n" for n in range(size // 50))
    assert len(grown.encode()) > size * 0.8
    return grown


def validate(path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder.cli", "validate", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **env})


def test_a_file_the_command_line_accepts_the_studio_imports_too(app, signed_in_owner, tmp_path):
    assert MAX_BYTES == DEFAULT_MAX_BYTES
    text = service_of_size(900_000)  # well over the 256 kB a mini-site's request may have
    path = tmp_path / "avis.yaml"
    path.write_text(text, encoding="utf-8")
    assert validate(path).returncode == 0
    client, org = signed_in_owner
    response = client.post(f"/studio/o/{org.slug}/services/nouveau", data={"source": "import", "text": text})
    assert response.status_code == 302
    with app.app_context():
        assert [copy.service_id for copy in workspace.for_org(get_db(), org.id)] == ["avis"]


def test_a_file_over_the_limit_gets_the_same_message_from_both(signed_in_owner, tmp_path):
    text = service_of_size(MAX_BYTES + 100_000)
    path = tmp_path / "avis.yaml"
    path.write_text(text, encoding="utf-8")
    message = "la limite est de 1000000 octets"
    assert message in validate(path).stderr + validate(path).stdout
    client, org = signed_in_owner
    response = client.post(f"/studio/o/{org.slug}/services/nouveau", data={"source": "import", "text": text})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_one_setting_moves_both_limits(tmp_path):
    path = tmp_path / "avis.yaml"
    path.write_text(service_of_size(60_000), encoding="utf-8")
    result = validate(path, TREMPLIN_MAX_SERVICE_BYTES="50000")
    assert result.returncode != 0 and "la limite est de 50000 octets" in result.stderr + result.stdout
    code = "from builder.request_size import studio_limit; print(studio_limit())"
    studio = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "TREMPLIN_MAX_SERVICE_BYTES": "50000"})
    assert int(studio.stdout) == 3 * 50_000 + 64 * 1024
