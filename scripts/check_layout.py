"""The size and import rules of docs/architecture.md §2 that import-linter does not check.

In the production code of every app (tests and migrations left out):
- no module over MODULE_LINES lines, and no function over FUNCTION_LINES lines, unless a comment
  starting with `# Long:` says why (in a module's first lines, or on or above the `def`);
- no import of the project's own code inside a function unless a comment on the import, or on the
  line above it, says why (such imports usually hide an import cycle).

Prints one line per finding and exits 1 when there is any. Run by `make lint`.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "kernel",
    "accounts",
    "preferences",
    "currencies",
    "catalog",
    "warranties",
    "purchases",
    "receipts",
    "interchange",
    "backups",
    "reminders",
    "analytics",
    "spends_tracker",
]
MODULE_LINES = 600
FUNCTION_LINES = 60
WHY = "# Long:"


def _production_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def _has_comment(lines: list[str], number: int) -> bool:
    """Whether line NUMBER (1-based), or the line above it, carries a comment."""
    own = lines[number - 1]
    above = lines[number - 2].strip() if number > 1 else ""
    return "#" in own.split("import", 1)[-1] or above.startswith("#")


def _is_project_import(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        names = [node.module or ""] if node.level == 0 else ["."]
    else:
        names = [alias.name for alias in node.names]
    return any(name == "." or name.split(".")[0] in APPS for name in names)


def findings(path: Path) -> list[str]:
    text = path.read_text()
    lines = text.splitlines()
    where = path.relative_to(ROOT)
    found = []
    if len(lines) > MODULE_LINES and not any(WHY in line for line in lines[:10]):
        found.append(f"{where}: {len(lines)} lines (more than {MODULE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        said = any(WHY in lines[i - 1] for i in range(max(first - 2, 1), node.lineno + 1))
        if length > FUNCTION_LINES and not said:
            found.append(f"{where}:{node.lineno}: {node.name}() has {length} lines")
        for inner in ast.walk(node):
            is_import = isinstance(inner, ast.Import | ast.ImportFrom)
            if is_import and _is_project_import(inner) and not _has_comment(lines, inner.lineno):
                found.append(
                    f"{where}:{inner.lineno}: an import inside {node.name}() with no comment "
                    "saying why"
                )
    return found


def main() -> int:
    problems = [line for path in _production_modules() for line in findings(path)]
    for line in dict.fromkeys(problems):
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
