"""No personal name or phone number from the forum report in the repository or its artefacts.

The forum report (``../shared/seed/000_a512bf7b4e73695b.txt``) lists key staff with their
personal phone numbers. None of them may appear in any tracked file, nor in any file inside
a built wheel or sdist. This module holds no name and no number: only SHA-256 digests of
their normalised forms, in ``tests/data/privacy_digests.txt`` (written once from the report
by ``tools/privacy_digests.py``).

Normalisation (the digest is ``sha256(normalised.encode("utf-8")).hexdigest()``):

* **phone**: the digits only (every character that is not ``0``-``9`` dropped); a leading
  country code ``855`` is replaced by the trunk prefix ``0``, so ``+855 (23) 123 456`` and
  ``023 123 456`` normalise alike to ``023123456``.
* **name**: Unicode NFKD, combining marks (accents) dropped, ``str.casefold()``; then the
  words (maximal runs of letters: digits, underscores, punctuation and whitespace all
  separate words) joined by one space. ``"  Dr. Jöhn-DOE "`` -> ``"dr john doe"``.
* **allow**: a phrase normalised as a name, for place names that contain a recorded name as
  a word (a given name that also begins a province spelling); a name hit lying wholly inside
  an allowed phrase is not a hit.

Scanning, so that a digest can be matched without the clear text:

* phones: every run of digits whose groups are separated by at most two characters out of
  space, ``.``, ``-``, ``(`` and ``)`` is joined into one digit string; every substring of
  it with one of the recorded lengths is hashed (and, for a run starting ``855``, the run
  with ``855`` replaced by ``0``).
* names: the text is normalised as above and every sequence of 1-4 consecutive words is
  hashed.

What is scanned in a file: zip containers (``.xlsx``, archives) are opened and each member
scanned; UTF-8 text as it is, except that base64 blobs (images in notebooks) are decoded;
binary content (and decoded blobs) through its printable strings, runs of 6 or more ASCII or
UTF-8 characters, as ``strings`` would (random bytes would match short names by chance).
The file's path is scanned too. Hits are reported as ``file: kind``, never with the text found.

Caveat: plain SHA-256 of a 9-10 digit number (or of a common name) can be reversed by brute
force; the digests keep the clear text out of casual reading and search, they are not a
secret.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import importlib.util
import io
import re
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "coverage"
DIGESTS_FILE = Path(__file__).resolve().parent / "data" / "privacy_digests.txt"
MAX_NAME_WORDS = 4
TEXT_SUFFIXES = {".py", ".csv", ".tsv", ".md", ".txt", ".rst", ".json", ".geojson", ".html",
                 ".css", ".js", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".j2", ".jinja"}

# Generic guards for coverage/ (any number, not only the report's): Cambodian numbers are
# 0 + 1-2 digit prefix, 8-10 digits in all, optionally split by spaces, dots or hyphens; not
# part of a longer number or of a decimal (coordinates such as 104.0123456).
LOCAL_PHONE = re.compile(r"(?<![\d.,])0\d(?:[ .\-]?\d){6,8}(?![\d])(?!\.\d)")
INTERNATIONAL_PHONE = re.compile(r"(?:\+\s*855|\(855\))[\s\-().\d]{6,}")
HONORIFIC_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\b\.?\s*[A-Z][a-z]")
#: SHA-256 and other hex digests (place_index.json records its sources' digests): ten
#: digits inside one are no phone number; they are blanked before the phone patterns run.
HEX_DIGEST = re.compile(r"\b[0-9a-f]{32,}\b")

WORD = re.compile(r"[^\W\d_]+")
DIGIT_RUN = re.compile(r"\d+(?:[ .\-()]{1,2}\d+)*")


# ---------------------------------------------------------------- normalisation and digests

def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def name_words(text: str) -> list[str]:
    """NFKD, accents dropped, casefolded, split into runs of letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return WORD.findall(stripped.casefold())


def normalise_name(text: str) -> str:
    return " ".join(name_words(text))


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[^0-9]", "", text)
    return "0" + digits[3:] if digits.startswith("855") else digits


@dataclass
class Digests:
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    phone_lengths: set[int] = field(default_factory=set)
    allow: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> "Digests":
        return cls.parse(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def parse(cls, text: str, source: str = "digests") -> "Digests":
        """Lines ``name|phone|allow <sha256 hex>`` and ``phone-lengths <n> ...``; ``#`` comments."""
        digests = cls()
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            kind = parts[0]
            if kind == "phone-lengths":
                digests.phone_lengths.update(int(p) for p in parts[1:])
                continue
            assert len(parts) == 2 and re.fullmatch(r"[0-9a-f]{64}", parts[1]), \
                f"{source}:{number}: expected '<kind> <sha256 hex>'"
            {"name": digests.names, "phone": digests.phones, "allow": digests.allow}[kind].add(parts[1])
        return digests


# ---------------------------------------------------------------- the scanner

def phone_candidates(text: str, lengths: set[int]):
    shortest = min(lengths)
    for match in DIGIT_RUN.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group(0))
        runs = [digits, "0" + digits[3:]] if digits.startswith("855") else [digits]
        for run in runs:
            if len(run) < shortest:
                continue
            for length in lengths:
                for start in range(len(run) - length + 1):
                    yield run[start:start + length]


def scan_text(text: str, digests: Digests) -> set[str]:
    """The kinds ("name", "phone") of recorded personal data found in ``text``."""
    kinds: set[str] = set()
    if digests.phones and any(sha256(c) in digests.phones
                              for c in phone_candidates(text, digests.phone_lengths)):
        kinds.add("phone")
    words = name_words(text)
    windows = {}  # (start, size) -> digest, computed once
    for start in range(len(words)):
        for size in range(1, MAX_NAME_WORDS + 1):
            if start + size <= len(words):
                windows[start, size] = sha256(" ".join(words[start:start + size]))
    for (start, size), digest in windows.items():
        if digest in digests.names and not any(
                windows.get((s, n)) in digests.allow
                for s in range(max(0, start + size - MAX_NAME_WORDS), start + 1)
                for n in range(start + size - s, MAX_NAME_WORDS + 1)):
            kinds.add("name")
            break
    return kinds


BASE64_BLOB = re.compile(r"[A-Za-z0-9+/]{76,}={0,2}")
PRINTABLE_RUN = re.compile(rb"(?:[\x20-\x7e\t\r\n]|[\xc2-\xf4][\x80-\xbf]{1,3}){6,}")


def binary_strings(data: bytes) -> str:
    """Like ``strings``: runs of 6+ printable ASCII or UTF-8 characters, one per line.

    Scanning random binary bytes whole would turn up short names by chance; text stored in
    a binary file (PNG text chunks, DBF fields) lies in such runs.
    """
    return "\n".join(m.group(0).decode("utf-8", "replace") for m in PRINTABLE_RUN.finditer(data))


def readable_text(data: bytes) -> str:
    """The text to scan in one file: UTF-8 text with base64 blobs (notebook images) decoded
    and reduced to their printable strings; anything else reduced to its printable strings."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return binary_strings(data)
    blobs = []
    for blob in BASE64_BLOB.findall(text):
        try:
            blobs.append(binary_strings(base64.b64decode(blob + "=" * (-len(blob) % 4))))
        except (binascii.Error, ValueError):
            pass
    return "\n".join([BASE64_BLOB.sub(" ", text)] + blobs)


def expand(path: str, data: bytes) -> dict[str, bytes]:
    """Zip containers (.xlsx, nested wheels) are opened: ``outer!member`` -> bytes."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                members = {f"{path}!{i.filename}": z.read(i) for i in z.infolist() if not i.is_dir()}
        except zipfile.BadZipFile:
            return {path: data}
        out = {path: b""}  # the container's own name is still scanned
        for member, content in members.items():
            out.update(expand(member, content))
        return out
    return {path: data}


def scan_files(files: dict[str, bytes], digests: Digests) -> list[str]:
    """``"path: kind"`` for every hit; the path itself is scanned with the content."""
    hits = []
    expanded = {}
    for path, data in files.items():
        expanded.update(expand(path, data))
    for path, data in sorted(expanded.items()):
        for kind in sorted(scan_text(path + "\n" + readable_text(data), digests)):
            hits.append(f"{path}: {kind}")
    return hits


def archive_files(archive: Path) -> dict[str, bytes]:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return {f"{archive.name}/{i.filename}": z.read(i) for i in z.infolist() if not i.is_dir()}
    with tarfile.open(archive) as t:
        return {f"{archive.name}/{m.name}": t.extractfile(m).read() for m in t.getmembers() if m.isfile()}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def digests() -> Digests:
    assert DIGESTS_FILE.exists(), f"{DIGESTS_FILE} is missing: run tools/privacy_digests.py"
    return Digests.load(DIGESTS_FILE)


@pytest.fixture(scope="module")
def tracked_files() -> dict[str, bytes]:
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout (or git unavailable), so no tracked-file list: {error}")
    if Path(top).resolve() != REPO:
        pytest.skip(f"{REPO} is not the top of a git checkout (an unpacked sdist?): no tracked-file list")
    paths = [p for p in listing.stdout.decode("utf-8").split("\0") if p]
    # a tracked file deleted in the working tree is not there to scan
    return {p: (REPO / p).read_bytes() for p in paths if (REPO / p).is_file()}


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The wheel's and the sdist's files, built once per module."""
    if importlib.util.find_spec("build") is None:
        pytest.skip("the 'build' package is not installed (pip install -e '.[test]'), "
                    "so the wheel and sdist cannot be built here")
    if not (REPO / "pyproject.toml").exists():
        pytest.skip("no pyproject.toml beside tests/: nothing to build")
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-isolation")  # faster, and works offline
    result = subprocess.run(command + [str(REPO)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    archives = sorted(out.glob("*.whl")) + sorted(out.glob("*.tar.gz"))
    assert [a.suffix for a in archives] == [".whl", ".gz"], archives
    return {a.name: archive_files(a) for a in archives}


# ---------------------------------------------------------------- tests

def test_digest_lists_are_non_trivial(digests):
    assert len(digests.names) >= 50 and len(digests.phones) >= 50, \
        (len(digests.names), len(digests.phones))
    assert digests.phone_lengths and all(8 <= n <= 12 for n in digests.phone_lengths)
    assert not digests.names & digests.phones
    # the empty string and obvious filler are not recorded
    for filler in ("", "tel", "hotline", "office", "mr", "ms", "dr"):
        assert sha256(filler) not in digests.names


def test_normalisation():
    assert normalise_name("  Dr. Jöhn-DOE\n\tSmith ") == "dr john doe smith"
    assert normalise_name("ÉMILE_ZOLA2") == "emile zola"
    assert normalise_phone("+855 (23) 000 111") == normalise_phone("023-000.111") == "023000111"


def test_scanner_finds_a_planted_name_and_number(tmp_path, digests):
    """A synthetic person (not a real one) is added to the digests at runtime, then planted."""
    name, phone = "Zyxquor Plimbatt", "0 10 00 99 11"   # invented for this test
    planted = Digests(names=digests.names | {sha256(normalise_name(name))},
                      phones=digests.phones | {sha256(normalise_phone(phone))},
                      phone_lengths=digests.phone_lengths | {len(normalise_phone(phone))},
                      allow=set(digests.allow))
    files = {
        "clean.txt": b"Ms. Someone of some organisation; office hours 8-17; 104.123, 11.56",
        "name.csv": "id,contact\n1,\"ZYXQUÖR   plimbatt\"\n".encode("utf-8"),
        "phone.md": b"call (010) 00-99-11 now",
        "intl.txt": b"tel +855 10 009 911.",
        "zyxquor_plimbatt.bin": b"\x00\x01",
        "allowed.txt": b"the Zyxquor Plimbatt Valley",
        "field.dbf": b"\x03\x7a\x01\x00\xff Zyxquor Plimbatt   \x00\x9f",
        "cell.ipynb": b'{"image/png": "' + base64.b64encode(b"\x89PNG\x00tEXt zyxquor plimbatt" * 3) + b'"}',
    }
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/sharedStrings.xml", "<si><t>0100 099 11</t></si>")
    files["book.xlsx"] = book.getvalue()
    for path, data in files.items():
        (tmp_path / path).write_bytes(data)
    on_disk = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    planted.allow.add(sha256("zyxquor plimbatt valley"))
    assert scan_files(on_disk, planted) == [
        "book.xlsx!xl/sharedStrings.xml: phone", "cell.ipynb: name", "field.dbf: name",
        "intl.txt: phone", "name.csv: name", "phone.md: phone", "zyxquor_plimbatt.bin: name"]
    assert scan_files(on_disk, digests) == []


def test_tracked_files_hold_no_personal_data(tracked_files, digests):
    assert len(tracked_files) > 20
    assert DIGESTS_FILE.relative_to(REPO).as_posix() in tracked_files or not DIGESTS_FILE.exists()
    hits = scan_files(tracked_files, digests)
    assert not hits, "names or phone numbers from the forum report in tracked files:\n" + "\n".join(hits)


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_built_artefacts_hold_no_personal_data(artefacts, digests, kind):
    (archive,) = [name for name in artefacts if name.endswith("." + kind)]
    files = artefacts[archive]
    assert files, f"{archive} is empty"
    if kind == "tar.gz":
        assert any("/tests/test_privacy.py" in p for p in files), "the sdist ships tests/"
    hits = scan_files(files, digests)
    assert not hits, f"names or phone numbers from the forum report in {archive}:\n" + "\n".join(hits)


def test_report_digests_are_current(shared, digests):
    """The digest file still matches what the tool derives from the report."""
    report = shared("seed/000_a512bf7b4e73695b.txt")
    script = REPO / "tools" / "privacy_digests.py"
    if not script.exists():
        pytest.skip("tools/privacy_digests.py is absent (tools/ is not shipped in the sdist)")
    spec = importlib.util.spec_from_file_location("privacy_digests", script)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert Digests.parse(tool.digest_file_text(report)) == digests, \
        "tests/data/privacy_digests.txt is stale: rerun tools/privacy_digests.py"


# Generic guards on the package itself: phone-like numbers and honorific + name patterns,
# whoever they belong to. Examples are synthetic.

def package_files() -> list[Path]:
    files = sorted(p for p in PACKAGE.rglob("*")
                   if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and "__pycache__" not in p.parts)
    assert files, f"no text files found under {PACKAGE}"
    return files


def test_generic_patterns_catch_phone_shapes():
    for example in ("000 000 000", "000000000", "00 00 00 00", "000 000 00 00", "00-000-000"):
        assert LOCAL_PHONE.fullmatch(example), example
        assert LOCAL_PHONE.search(HEX_DIGEST.sub(" ", f"tel. {example}, digest {'ab' * 16}"))
    assert not LOCAL_PHONE.search(HEX_DIGEST.sub(" ", "1901172910cc0366583146b6b080f05456779d54"))
    assert INTERNATIONAL_PHONE.search("+855 (00) 000000") and INTERNATIONAL_PHONE.search("(855) 00 000 000")
    assert HONORIFIC_NAME.search("Ms. Xy") and HONORIFIC_NAME.search("Dr Qu")


@pytest.mark.parametrize("text", ["Love 146", "PO Box 479", "H.E. Sar", "2010-12-07", "104.0123456, 11.5623",
                                  "population 1,024,000", "code 01", "#1F3A93", "Dr& Case", "24 capital/provinces"])
def test_generic_patterns_no_false_positives(text):
    assert not LOCAL_PHONE.search(text) and not INTERNATIONAL_PHONE.search(text) and not HONORIFIC_NAME.search(text)


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_package_has_no_phone_like_numbers_or_honorific_names(path):
    text = HEX_DIGEST.sub(" ", path.read_text(encoding="utf-8"))
    assert not LOCAL_PHONE.search(text) and not INTERNATIONAL_PHONE.search(text), f"{path}: phone-like number"
    assert not HONORIFIC_NAME.search(text), f"{path}: honorific + name"
