"""Every use case writes the audit log, or is listed here with why it need not.

tests/audit_guard.py checks each use case the suite runs, at its commit; this walks every
``@use_case`` of supply_match/services, run or not, so a new one cannot forget its entry."""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import supply_match
import supply_match.services

# Use cases that change nothing of the county's records, or only through another use case
# that writes the entry.
NOT_LOGGED_HERE = {
    "county.accounts.authenticate": "sign-ins are not audited (the throttle has its own table)",
    "county.accounts.sign_out": "ends the account's sessions; not a change to a record",
    "delivery.links.count_post": "counts a phone's posts per minute (its own table)",
    "documents.route_sheets.pdf_for_plan": "renders a document (a cache)",
    "documents.route_sheets.prerender": "renders documents (a cache)",
    "supply.price_import.import_prices": "through prices.set_outlet_prices, which logs",
    "supply.price_import.import_guide_prices": "through prices.set_guide_prices, which logs",
    "county.signup._count_signup": "counts sign-ups for the throttle (its own table)",
    "delivery.positions.forget_old_positions": "positions are not audited (one a half minute)",
    "documents.household_slips.pdf_for_outlet_day": "renders a document (a cache)",
    "documents.household_slips.pdf_for_run": "renders a document (a cache)",
    "documents.household_slips.prerender": "renders documents (a cache)",
}


def _use_cases():
    for info in pkgutil.walk_packages(supply_match.services.__path__, "supply_match.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            wrapped = getattr(value, "__wrapped__", None)
            if wrapped is None or getattr(value, "__module__", None) != info.name:
                continue
            source = inspect.getsource(wrapped)
            if "@use_case" in source.split("def ", 1)[0]:
                yield info.name.removeprefix("supply_match.services."), name, wrapped


def _calls_audit(function) -> bool:
    """``audit.<something>(...)`` in the function's body, or in a helper of its module
    that the body calls."""
    module = inspect.getmodule(function)
    tree = ast.parse(inspect.getsource(module))
    bodies = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    seen, todo = set(), [function.__name__]
    while todo:
        name = todo.pop()
        if name in seen or name not in bodies:
            continue
        seen.add(name)
        for node in ast.walk(bodies[name]):
            if not isinstance(node, ast.Call):
                continue
            target = node.func
            if isinstance(target, ast.Attribute) and getattr(target.value, "id", "") == "audit":
                return True
            if isinstance(target, ast.Name):
                todo.append(target.id)
    return False


def test_every_use_case_writes_an_audit_entry_or_says_why_not():
    found = list(_use_cases())
    assert len(found) > 40  # the walk sees the services
    missing = [
        f"{module}.{name}"
        for module, name, function in found
        if f"{module}.{name}" not in NOT_LOGGED_HERE and not _calls_audit(function)
    ]
    assert missing == []


def test_the_exceptions_are_still_use_cases():
    names = {f"{module}.{name}" for module, name, _function in _use_cases()}
    assert set(NOT_LOGGED_HERE) <= names


def test_every_action_written_has_a_label_for_the_page():
    """An action code the log writes shows in the reader's language, not as a code."""
    from supply_match import labels

    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in Path(supply_match.__file__).parent.rglob("*.py")
    )
    written = set()
    for call in re.finditer(r"audit\.record\(\s*AuditKind\.\w+,\s*([^\n]+)", source):
        written |= set(re.findall(r'"([a-z_]+)"', call.group(1)))
    assert len(written) > 30  # the scan did find the calls
    assert written - set(labels.AUDIT_ACTIONS) == set()
