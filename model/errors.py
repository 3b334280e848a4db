"""Domain exceptions, in one place.

Each subclasses a built-in so callers that do not know sewerplan can still catch it,
and each message says what was wrong and what to do, in words an official understands.
"""

from __future__ import annotations

__all__ = [
    "SewerplanError",
    "UnknownBuildingUse",
    "ParameterError",
    "InputFileError",
    "InventoryValidationError",
    "ModelLoadError",
    "ResultsBundleError",
    "ScenarioFileError",
    "OutputExistsError",
    "OutputFileError",
    "OutputInUseError",
    "OutputBusyError",
]


class SewerplanError(Exception):
    """Base class for every error sewerplan raises on purpose."""


class UnknownBuildingUse(SewerplanError, KeyError):
    """A building use or MOE code that the unit-load table does not know."""

    def __init__(self, use, suggestions=()):
        self.use = use
        self.suggestions = list(suggestions)
        hint = ", ".join(self.suggestions) if self.suggestions else "none close"
        self.message = (
            f"Unknown building use '{use}' / 알 수 없는 건축물 용도 '{use}'. "
            f"Closest valid names / 가까운 용도명: {hint}. "
            "Use a main use (주용도) from the Building Act, a use name or an MOE code "
            "(e.g. F-01-00) from the MOE unit-load table (`sewerplan uses` lists them)."
        )
        super().__init__(self.message)

    def __str__(self):  # KeyError would otherwise print the repr with quotes
        return self.message


class ParameterError(SewerplanError, ValueError):
    """A parameter outside its allowed range."""

    def __init__(self, name, value, allowed):
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(
            f"Parameter '{name}' = {value!r} is outside the allowed range {allowed} / "
            f"매개변수 '{name}' 값 {value!r}이(가) 허용 범위 {allowed}를 벗어났습니다."
        )


class InputFileError(SewerplanError, ValueError):
    """An input file that cannot be read at all (missing, wrong format, no header)."""


class InventoryValidationError(SewerplanError, ValueError):
    """One or more rows of a building table are invalid; ``problems`` lists them all."""

    def __init__(self, problems, source="input"):
        self.problems = list(problems)
        self.source = source
        lines = [str(p) for p in self.problems[:50]]
        more = len(self.problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more problems")
        super().__init__(
            f"{len(self.problems)} problem(s) in {source} / 입력 오류 {len(self.problems)}건:\n  "
            + "\n  ".join(lines)
            + "\nFix the rows above, or rerun with --skip-invalid to set them aside in a "
            "rejected-rows file / 위 행을 고치거나 --skip-invalid 로 제외 행 파일을 따로 저장하세요."
        )


class ModelLoadError(SewerplanError, RuntimeError):
    """A saved model that cannot be loaded safely; the message says to retrain."""


class ResultsBundleError(InputFileError):
    """A results bundle that is missing a field or holds an invalid value.

    The message names the file and the field path (e.g. ``planned[2].ml.day_max_m3_per_day``).
    """

    def __init__(self, problem: str, source: str = "results bundle", field_path: str = ""):
        self.problem = problem
        self.source = source
        self.field_path = field_path
        where = f" field '{field_path}':" if field_path else ""
        super().__init__(
            f"Results bundle / 결과 파일 {source}:{where} {problem}. "
            "Re-run `sewerplan demo` or fix the file as described in the manual reports.html (sewerplan manual) / "
            "`sewerplan demo`를 다시 실행하거나 설명서 reports.html (sewerplan manual)의 형식대로 고치세요."
        )


class ScenarioFileError(InputFileError):
    """A value in a scenario file that cannot be used; names file, sheet, row, column, value."""

    def __init__(self, source, sheet, row, column, value, message):
        self.source, self.sheet, self.row, self.column, self.value = source, sheet, row, column, value
        where = f"{source}"
        if sheet:
            where += f", sheet/시트 '{sheet}'"
        if row is not None:
            where += f", row/행 {row}"
        if column:
            where += f", column/열 '{column}'"
        if value is not None and value != "":
            where += f", value/값 {value!r}"
        super().__init__(f"{where}: {message}")


class OutputExistsError(InputFileError, FileExistsError):
    """An output that exists already; it is replaced only with ``--force``."""


class OutputFileError(SewerplanError, OSError):
    """An output that cannot be written (over an input, exists without --force, disk full ...)."""


class OutputInUseError(OutputFileError, PermissionError):
    """An output another program (Excel) holds open; the old file is left untouched."""

    def __init__(self, path):
        self.path = path
        name = getattr(path, "name", str(path))
        super().__init__(
            f"{path} is open in another program (Excel?): close {name} in Excel and run again; "
            f"the old file is untouched / 파일이 다른 프로그램(엑셀)에서 열려 있습니다: 엑셀에서 {name} 을(를) "
            f"닫고 다시 실행하세요. 기존 파일은 그대로입니다."
        )


class OutputBusyError(OutputFileError):
    """Another sewerplan run is writing into the same output folder."""
