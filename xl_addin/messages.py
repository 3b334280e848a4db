"""Bilingual (Korean first, then English) messages for the worksheet functions.

Every expected user error in a worksheet function becomes an :class:`xlwings.XlwingsError`
whose text names the function, the argument (with its Korean label), the row inside the
range the user passed, the value found and what to do. Classic xlwings shows the text in
the cell's error pop-up; the Office.js route returns it with HTTP 400 so Excel shows it on
the cell's error flag.
"""

from __future__ import annotations

from xlwings import XlwingsError

__all__ = ["ARG_LABELS", "label", "user_error", "blank", "not_a_number", "out_of_range",
           "shape_mismatch", "from_model_error", "unknown_choice", "where", "MAX_LISTED"]

# Korean labels of the worksheet-function arguments, shown in messages and help.
ARG_LABELS = {
    "households": "세대수",
    "persons_per_household": "세대당 인구",
    "unit_l_per_person_day": "1인1일 오수량 원단위",
    "factor": "설계 계수",
    "main_use_or_moe_code": "주용도 또는 환경부 용도코드",
    "floor_area_m2": "연면적",
    "rural": "읍·면 지역 여부",
    "building_table": "건축물 표",
    "coverage": "예측구간 포함확률",
    "population": "인구",
    "method": "산정식",
    "flows": "오수량",
    "basis": "유량 기준",
    "utilisation": "적정 가동률",
    "scenario_file": "시나리오 파일",
    "year": "연도",
    "confidence": "신뢰수준",
    "plant_capacity_m3_per_day": "처리장 용량",
}

MAX_LISTED = 5  # how many bad rows one message lists before "... and N more"


def label(arg: str) -> str:
    """``'households'`` -> ``'households(세대수)'``."""
    ko = ARG_LABELS.get(arg)
    return f"{arg}({ko})" if ko else arg


def user_error(func: str, ko: str, en: str) -> XlwingsError:
    """An XlwingsError with the function name, the Korean and the English text."""
    return XlwingsError(f"{func}: {ko} / {en}")


def _show(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def where(positions) -> tuple[str, str]:
    """Korean and English text for a list of cell positions.

    A position is ``(row, col, shape)`` with 0-based row/col inside the range the user
    passed; a single column reports rows, a single row reports columns.
    """
    ko, en = [], []
    for r, c, (nrows, ncols) in positions:
        if ncols == 1:
            ko.append(f"{r + 1}번째 행")
            en.append(f"row {r + 1}")
        elif nrows == 1:
            ko.append(f"{c + 1}번째 열")
            en.append(f"column {c + 1}")
        else:
            ko.append(f"{r + 1}행 {c + 1}열")
            en.append(f"row {r + 1} column {c + 1}")
    more = len(ko) - MAX_LISTED
    ko_text, en_text = ", ".join(ko[:MAX_LISTED]), ", ".join(en[:MAX_LISTED])
    if more > 0:
        ko_text += f" 외 {more}곳"
        en_text += f" and {more} more"
    return ko_text, en_text


def blank(func: str, arg: str, positions, hint_ko: str, hint_en: str) -> XlwingsError:
    """A required cell is empty."""
    ko, en = where(positions)
    return user_error(
        func,
        f"{label(arg)}의 {ko}: 빈 칸입니다. {hint_ko}",
        f"{arg}, {en} of the range: blank cell. {hint_en}",
    )


def not_a_number(func: str, arg: str, position, value, hint_ko: str, hint_en: str) -> XlwingsError:
    """Text (or TRUE/FALSE) where a number belongs."""
    ko, en = where([position])
    return user_error(
        func,
        f"{label(arg)}의 {ko} 값 {_show(value)}은(는) 숫자가 아닙니다. {hint_ko}",
        f"{arg}, {en} of the range: {_show(value)} is not a number. {hint_en}",
    )


def out_of_range(func: str, arg: str, positions, first_value, allowed_ko: str, allowed_en: str) -> XlwingsError:
    """Numbers outside the allowed range (e.g. a negative area)."""
    ko, en = where(positions)
    return user_error(
        func,
        f"{label(arg)}의 {ko} 값({_show(first_value)})이 허용 범위를 벗어났습니다. {allowed_ko}",
        f"{arg}, {en} of the range: {_show(first_value)} is out of range. {allowed_en}",
    )


def shape_mismatch(func: str, shapes: dict) -> XlwingsError:
    """Arguments whose ranges cannot be lined up row by row."""
    desc = ", ".join(f"{label(a)} {r}x{c}" for a, (r, c) in shapes.items())
    desc_en = ", ".join(f"{a} {r}x{c}" for a, (r, c) in shapes.items())
    return user_error(
        func,
        f"인수 범위의 크기가 맞지 않습니다 ({desc}). 각 인수에 셀 하나 또는 같은 행 수의 열을 지정하세요.",
        f"the argument ranges do not line up ({desc_en}); give each argument one cell or a "
        "column with the same number of rows.",
    )


def unknown_choice(func: str, arg: str, value, choices) -> XlwingsError:
    listed = ", ".join(choices)
    return user_error(
        func,
        f"{label(arg)} 값 {_show(value)}을(를) 알 수 없습니다. 다음 중 하나를 쓰세요: {listed}",
        f"{arg}: unknown value {_show(value)}; use one of {listed}.",
    )


def from_model_error(func: str, exc: Exception, where: str = "") -> XlwingsError:
    """Wrap a model-layer error (already bilingual) with the function name and the row."""
    prefix = f"{where}: " if where else ""
    return XlwingsError(f"{func}: {prefix}{exc}")
