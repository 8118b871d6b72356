"""The English texts the core shows a person, read from the source: what locales/<lang>.toml must
translate. Each f-string becomes a catalogue key with `{}` for every interpolated value, the way
sheets_sync.core.catalogue matches a text back to its key."""

from __future__ import annotations

import ast
from pathlib import Path

import sheets_sync

CORE = Path(sheets_sync.__file__).parent / "core"
# Callables whose arguments at these positions are shown to a person, by section.
SHOWN: dict[str, dict[str, tuple[int, ...]]] = {
    "issues": {"ValueProblem": (0, 1), "Issue": (4, 5), "issue": (3, 4)},
    "definitions": {"make_metric": (2,)},
}
# Functions whose returned f-strings are Row issues lines.
RETURNED = {"issues": {"completeness_suggestion", "circle_suggestion"}}


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            text = _text(node.value, {})
            if text is not None:
                found[node.targets[0].id] = text
    return found


def _text(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value.replace("{", "{{").replace("}", "}}")
            if isinstance(part, ast.Constant) else "{}"
            for part in node.values)
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return None


def _texts(node: ast.AST, constants: dict[str, str],
           local: dict[str, list[str]] | None = None) -> list[str]:
    if local and isinstance(node, ast.Name) and node.id in local:
        return local[node.id]
    if isinstance(node, ast.IfExp):
        return _texts(node.body, constants, local) + _texts(node.orelse, constants, local)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # A part that is not text (", ".join(...)) is a value: "{}".
        left = _texts(node.left, constants, local) or ["{}"]
        right = _texts(node.right, constants, local) or ["{}"]
        return [a + b for a in left for b in right]
    if isinstance(node, ast.Call) and _name(node) == "_not" and len(node.args) == 2:
        # parse._not(value, what): "is blank", else "not <what>"
        return ["is blank", *("not " + t for t in _texts(node.args[1], constants))]
    text = _text(node, constants)
    return [text] if text else []


def _locals(function: ast.AST, constants: dict[str, str]) -> dict[str, list[str]]:
    """A function's names assigned a text (`problem = f"..."`), each with every text it is given:
    a text built in a variable before it reaches an Issue is shown all the same."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            texts = [t for t in _texts(node.value, constants) if t.strip("{}")]
            if texts:
                found.setdefault(node.targets[0].id, []).extend(texts)
    return found


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def source_keys() -> dict[str, set[str]]:
    """Section -> every English text (as a catalogue key) the core's source shows a person."""
    keys: dict[str, set[str]] = {section: set() for section in SHOWN}
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        scopes = [(tree, {})] + [(f, _locals(f, constants)) for f in ast.walk(tree)
                                 if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for scope, local in scopes:
            for node in ast.walk(scope):
                if isinstance(node, ast.Call):
                    for section, calls in SHOWN.items():
                        for position in calls.get(_name(node), ()):
                            if position < len(node.args):
                                keys[section].update(
                                    _texts(node.args[position], constants, local))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for section, names in RETURNED.items():
                    if node.name in names:
                        for ret in ast.walk(node):
                            if isinstance(ret, ast.Return) and ret.value is not None:
                                keys[section].update(_texts(ret.value, constants))
    return keys


if __name__ == "__main__":
    for section, texts in source_keys().items():
        print(f"[{section}]")
        for text in sorted(texts):
            print(repr(text))
