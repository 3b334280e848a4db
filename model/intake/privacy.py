"""Billing data is personal data: keyed pseudonyms, dropped columns and small cells (개인정보 보호).

Three rules, documented for the city's privacy officer in ``docs/manual.ko.md`` ("요금 자료와
개인정보"):

1. **Customer numbers become keyed pseudonyms.** ``P-`` + the first 20 hex digits of
   HMAC-SHA256(key, customer number). The same key gives the same pseudonym in every run (so a
   city can link this year's extract with next year's); another key gives unrelated ones; without
   the key nobody can recompute or reverse them. The key is kept outside every output: a key file
   the user names (``--key-file``, project file ``privacy.key_file``) or the environment variable
   :data:`KEY_ENV`. With neither, a random one-off key is used and discarded, so the pseudonyms
   of that run link to nothing. The match report states the method, where the key came from and a
   key id (an HMAC of a fixed text, which identifies the key without revealing it), never the key.
2. **Only what the join needs is written.** Billing rows that cannot be used are written back
   with the columns sewerplan reads (customer number pseudonymised) and nothing else; every other
   column of the extract (names, phone numbers, mailing addresses ...) is dropped and listed in the
   match report. Register and household-composition columns that look personal (name, phone,
   e-mail, resident number, account ...) are dropped too.
3. **Public outputs show no small cell.** A value that belongs to fewer than
   :data:`MIN_PUBLIC_CELL_BUILDINGS` buildings (default 10) is not shown on its own: such districts
   are merged into one "other districts" row, with further districts added (smallest first) until
   the merged row reaches the minimum, so no district's value can be recovered by subtracting the
   others from the total; when the whole table has fewer, every value is suppressed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError

__all__ = ["KEY_ENV", "MIN_KEY_BYTES", "MIN_KEY_BITS", "key_strength_bits", "new_key_text", "MIN_PUBLIC_CELL_BUILDINGS", "PseudonymKey", "load_key", "pseudonym",
           "pseudonymise", "pseudonym_sql", "pseudonym_table", "is_personal_header", "drop_personal_columns", "protect_billing", "pseudonymise_bill_table",
           "protect_rejected_billing", "merge_small_cells"]

KEY_ENV = "SEWERPLAN_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16  # a shorter secret can be guessed by trying; 32 random bytes (64 hex digits) is recommended
#: Policy default, not a legal figure: a district value on a public page covers at least this many buildings
#: (a city's privacy officer may raise it; project file ``privacy.min_public_cell_buildings``).
MIN_PUBLIC_CELL_BUILDINGS = 10
PSEUDONYM_METHOD = "HMAC-SHA256(key, customer number), first 20 hex digits, prefix 'P-'"

# Headers that hold personal data (compared without spaces, '_', '-', '(', ')' and case)
_PERSONAL_PARTS_KO = ("성명", "이름", "고객명", "수용가명", "사용자명", "납부자", "소유자", "예금주", "세대주", "대표자",
                      "전화", "연락처", "휴대", "핸드폰", "이메일", "전자우편", "주민등록", "주민번호", "생년월일",
                      "계좌", "카드번호", "사업자등록", "송달", "수령지", "청구지", "고지서주소", "상호")
_PERSONAL_PARTS_EN = ("phone", "email", "mail", "birth", "ssn", "account", "owner", "payer", "mobile",
                      "telephone", "contact")
_PERSONAL_EXACT_EN = {"name", "customername", "customer", "fullname", "tel", "cell", "dob", "residentid",
                      "holder", "accountholder"}


@dataclass(frozen=True)
class PseudonymKey:
    """The secret of the keyed pseudonyms and where it came from (the secret itself is never written)."""

    secret: bytes
    source: str  # "key file NAME", "environment variable ..." or "one-off random key (discarded)"

    @property
    def key_id(self) -> str:
        """8 hex digits that identify the key without revealing it (HMAC of a fixed text)."""
        return hmac.new(self.secret, b"sewerplan pseudonym key id", hashlib.sha256).hexdigest()[:8]

    def __repr__(self) -> str:  # never print the secret
        return f"PseudonymKey(source={self.source!r}, key_id={self.key_id!r})"


MIN_KEY_BITS = 80  # estimated entropy a key must show (64 random hex digits show ~230; 32 show ~100)
KEY_HELP = ("make a good one with `sewerplan key new --out FILE` (64 random hex digits, readable by you only) / "
            "좋은 키는 `sewerplan key new --out 파일` 로 만드세요")


def key_strength_bits(secret: bytes) -> float:
    """A cautious estimate of a key's entropy [bits]: its length times the Shannon entropy of its own
    characters, and 0 for a key that repeats a pattern or counts up or down (``abab…``, ``0123…``)."""
    import math
    from collections import Counter

    n = len(secret)
    if n == 0 or secret in (secret + secret)[1:-1]:  # periodic: 'aaaa', 'abcabc'
        return 0.0
    steps = Counter(b - a for a, b in zip(secret, secret[1:]))
    if n > 2 and steps.most_common(1)[0][1] > (n - 1) / 2:  # mostly the same step: 'abcdef', '2468'
        return 0.0
    return n * -sum(c / n * math.log2(c / n) for c in Counter(secret).values())


def _checked_secret(raw: bytes, where: str) -> bytes:
    secret = raw.strip()
    if len(secret) < MIN_KEY_BYTES:
        raise InputFileError(
            f"{where}: the pseudonym key is {len(secret)} bytes; at least {MIN_KEY_BYTES} are needed; {KEY_HELP} "
            f"/ 가명처리 키가 너무 짧습니다({len(secret)}바이트, 최소 {MIN_KEY_BYTES}바이트)")
    bits = key_strength_bits(secret)
    if bits < MIN_KEY_BITS:
        raise InputFileError(
            f"{where}: the pseudonym key is too easy to guess (about {bits:.0f} bits of entropy, at least "
            f"{MIN_KEY_BITS} needed: repeated or counting characters, or too few different ones); {KEY_HELP} / "
            "가명처리 키를 추측하기 쉽습니다")
    return secret


def new_key_text() -> str:
    """A new pseudonym key: 64 hex digits of 32 random bytes (``secrets``), with a line break."""
    return secrets.token_hex(32) + "\n"


def load_key(key_file=None, environ=None) -> PseudonymKey:
    """The pseudonym key: ``key_file`` if given, else :data:`KEY_ENV`, else a one-off random key.

    Raises
    ------
    InputFileError
        The key file is missing or the key is shorter than :data:`MIN_KEY_BYTES`.
    """
    environ = os.environ if environ is None else environ
    if key_file is not None:
        path = Path(key_file)
        if not path.is_file():
            raise InputFileError(f"pseudonym key file not found: {path} / 가명처리 키 파일이 없습니다: {path}")
        return PseudonymKey(_checked_secret(path.read_bytes(), str(path)), f"key file {path.name}")
    if environ.get(KEY_ENV):
        return PseudonymKey(_checked_secret(environ[KEY_ENV].encode("utf-8"), KEY_ENV),
                            f"environment variable {KEY_ENV}")
    return PseudonymKey(secrets.token_bytes(32), "one-off random key (discarded after the run)")


def pseudonym(value, key: PseudonymKey) -> str:
    """``P-`` + 20 hex digits of HMAC-SHA256(key, value); blank stays blank."""
    text = "" if value is None else str(value).strip()
    if text == "" or text.lower() == "nan":
        return ""
    return "P-" + hmac.digest(key.secret, text.encode("utf-8"), "sha256").hex()[:20]  # one-shot HMAC (C)


def pseudonymise(values: pd.Series, key: PseudonymKey) -> pd.Series:
    """Every value of a column replaced by its pseudonym (one HMAC per distinct value)."""
    distinct = {v: pseudonym(v, key) for v in pd.unique(values)}
    return values.map(distinct).astype(object)


def _header_key(h) -> str:
    return re.sub(r"[\s_\-()·./]", "", str(h)).lower()


def is_personal_header(header) -> bool:
    """True for a column header that names personal data (name, phone, e-mail, resident number ...)."""
    key = _header_key(header)
    if any(part in key for part in _PERSONAL_PARTS_KO):
        return True
    ascii_key = re.sub(r"[^a-z]", "", key)
    return ascii_key in _PERSONAL_EXACT_EN or any(part in ascii_key for part in _PERSONAL_PARTS_EN)


def drop_personal_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(table without personal-looking columns, the headers dropped)."""
    dropped = [str(c) for c in df.columns if is_personal_header(c)]
    return df.drop(columns=dropped), dropped


def protect_billing(records: pd.DataFrame, rejected: pd.DataFrame, key: PseudonymKey) -> tuple:
    """Pseudonymise customer numbers and drop every column the join does not use.

    Parameters
    ----------
    records : DataFrame
        Usable meter-months (:func:`billing.read_billing`), ``customer_id`` raw.
    rejected : DataFrame
        Rejected rows as given, with ``source_row`` and ``rejected_reason``.
    key : PseudonymKey

    Returns
    -------
    records, rejected, report : DataFrame, DataFrame, dict
        ``report`` is the ``privacy`` section of the match report.
    """
    records = records.assign(customer_id=pseudonymise(records["customer_id"], key))
    return (records, *protect_rejected_billing(rejected, key))


def pseudonymise_bill_table(con, key: PseudonymKey, tables=("meters", "bill_flagged")) -> None:
    """Customer numbers of the engine's per-meter tables replaced by their pseudonyms (in place).

    ``tables`` are every table whose rows leave the engine with a customer number (the meters,
    from which the links and unmatched meters are made, and the flagged months). One HMAC per
    distinct customer number, computed in SQL (:func:`pseudonym_sql`), joined back, the row order kept.
    """
    union = " UNION ".join(f"SELECT DISTINCT CAST(customer_id AS VARCHAR) AS raw FROM {t}" for t in tables)
    pseudonym_table(con, "pseudonyms", union, key)
    for t in tables:
        con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT x.* REPLACE (coalesce(p.pseudonym, '') AS customer_id) "
                    f"FROM {t} x LEFT JOIN pseudonyms p ON x.customer_id = p.raw ORDER BY x.rowid")
    con.execute("DROP TABLE pseudonyms")


#: a value Python's str.strip() would change, or 'nan': such (rare) values get their pseudonym from
#: :func:`pseudonym` itself, every other from the same HMAC in SQL
_PYTHON_ONLY = r"^[\s\p{Z}\x{1c}-\x{1f}\x{85}]|[\s\p{Z}\x{1c}-\x{1f}\x{85}]$|^[nN][aA][nN]$"


def _hmac_pads(key: PseudonymKey) -> tuple[bytes, bytes]:
    """(inner, outer) padded keys of HMAC-SHA256 (RFC 2104)."""
    secret = key.secret if len(key.secret) <= 64 else hashlib.sha256(key.secret).digest()
    secret = secret.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in secret), bytes(b ^ 0x5C for b in secret)


def pseudonym_sql(expr: str) -> str:
    """SQL: :func:`pseudonym` of text ``expr`` for values without surrounding white space; the padded keys
    are the statement's parameters ``$inner`` and ``$outer`` (:func:`_hmac_pads`), never its text."""
    inner = f"unhex(sha256($inner::BLOB || encode({expr})))"
    return f"(CASE WHEN {expr} IS NULL OR {expr} = '' THEN '' ELSE 'P-' || left(sha256($outer::BLOB || {inner}), 20) END)"


def pseudonym_table(con, name: str, raw_sql: str, key: PseudonymKey) -> None:
    """Table ``name`` (raw, pseudonym) of the distinct values ``raw`` of the query ``raw_sql``: one HMAC each,
    in SQL (issue 25: 461k Python calls took 4.8 s for 10M meter-months), the few odd values in Python."""
    inner, outer = _hmac_pads(key)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT raw, CASE WHEN regexp_matches(raw, "
                f"{_sql_literal(_PYTHON_ONLY)}) THEN NULL ELSE {pseudonym_sql('raw')} END AS pseudonym "
                f"FROM (SELECT DISTINCT raw FROM ({raw_sql}) WHERE raw IS NOT NULL)",
                {"inner": inner, "outer": outer})
    odd = [r[0] for r in con.execute(f"SELECT raw FROM {name} WHERE pseudonym IS NULL").fetchall()]
    if odd:
        con.register("odd_pseudonyms", pd.DataFrame({"raw": odd, "p": [pseudonym(v, key) for v in odd]}))
        con.execute(f"UPDATE {name} SET pseudonym = o.p FROM odd_pseudonyms o WHERE {name}.raw = o.raw")
        con.unregister("odd_pseudonyms")


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def protect_rejected_billing(rejected: pd.DataFrame, key: PseudonymKey) -> tuple[pd.DataFrame, dict]:
    """(rejected billing rows with only the columns sewerplan reads, the customer number pseudonymised;
    the ``privacy`` section of the match report)."""
    from .billing import BILLING_HEADER_ALIASES
    from .inventory import map_headers

    _, original = map_headers(rejected.drop(columns=["source_row", "rejected_reason"], errors="ignore"),
                              BILLING_HEADER_ALIASES)
    keep = [h for canon, h in original.items() if not is_personal_header(h) or canon == "customer_id"]
    id_header = original.get("customer_id")
    dropped = [str(c) for c in rejected.columns if c not in {*keep, "source_row", "rejected_reason"}]
    out = rejected[["source_row", *keep, "rejected_reason"]].copy()
    if id_header is not None:
        out[id_header] = pseudonymise(out[id_header].astype(str), key)
    return out.reset_index(drop=True), _billing_report(key, id_header, dropped)


def _billing_report(key: PseudonymKey, id_header, dropped: list[str]) -> dict:
    return {
        "customer_numbers": "pseudonymised / 가명처리" if id_header else "no customer number column",
        "customer_number_column": id_header or "",
        "pseudonym_method": PSEUDONYM_METHOD,
        "key_source": key.source,
        "key_id": key.key_id,
        "key_note": "the key is never written to any output; whoever holds it can recompute the pseudonyms / "
                    "키는 어떤 출력에도 기록되지 않으며, 키를 가진 사람만 가명을 다시 계산할 수 있습니다",
        "billing_columns_dropped": dropped,
        "billing_columns_personal": [c for c in dropped if is_personal_header(c)],
    }


def merge_small_cells(table: pd.DataFrame, count_column: str, value_columns, min_count: int,
                      label_column: str, other_label: str) -> tuple[pd.DataFrame, list[str]]:
    """Merge rows whose ``count_column`` is below ``min_count`` so no published value covers fewer.

    Small rows are summed into one ``other_label`` row; while that row is still below the minimum
    the smallest remaining row joins it (so the merged value cannot be undone by subtraction from
    the total). When all rows together stay below the minimum, the values are blanked (NaN).

    Returns
    -------
    (table, merged) : the published rows (order kept, the merged row last) and the labels merged.
    """
    counts = table[count_column].astype(float)
    small = counts < min_count
    if not small.any():
        return table.reset_index(drop=True), []
    order = counts[~small].sort_values(kind="stable").index.tolist()
    merged_idx = counts[small].index.tolist()
    while counts[merged_idx].sum() < min_count and order:
        merged_idx.append(order.pop(0))
    kept = table.drop(index=merged_idx)
    other = table.loc[merged_idx, [count_column, *value_columns]].sum().to_dict()
    other[label_column] = other_label
    out = pd.concat([kept, pd.DataFrame([other])], ignore_index=True)
    if counts.sum() < min_count:
        out[list(value_columns)] = np.nan
    return out, [str(x) for x in table.loc[merged_idx, label_column]]
