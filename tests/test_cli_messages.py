"""Issue 24: every command's messages in the same Korean / English form.

A message a command prints (``typer.echo``, ``console.print``, ``out_console.print``) that holds
English words holds Korean too, in the same call (the form ``English / 한국어`` the commands use);
read from the source with ``ast`` so a new command is checked without running it. Lines built
elsewhere (tables, values, paths, errors from sewerplan's own exceptions) are not literals here.
"""

import ast
import re
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
PRINTERS = {"echo", "print"}
HANGUL = re.compile("[가-힣]")
WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}")  # three English words in a row


def _literal_text(node) -> str:
    """The words a message literally holds: string constants and the text parts of f-strings (not the
    values put into them, e.g. ``s['names']``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    return ""


def _messages():
    for path in sorted((ROOT / "sewerplan" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in PRINTERS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("typer", "console", "out_console")):
                text = " ".join(_literal_text(a) for a in node.args)
                yield f"{path.name}:{node.lineno}", text


def test_every_english_message_has_its_korean():
    english_only = [(where, text[:80]) for where, text in _messages()
                    if WORDS.search(re.sub(r"\[/?[a-z ]+\]", "", text)) and not HANGUL.search(text)]
    assert english_only == []


def test_excel_template_speaks_both_languages(tmp_path):
    from sewerplan.cli import app

    r = CliRunner().invoke(app, ["excel", "template", "--out", str(tmp_path / "mine.xlsm"), "--layout", "dynamic"])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert lines and all(HANGUL.search(ln) for ln in lines), lines
