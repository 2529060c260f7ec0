"""Validation findings and how they read as text and JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result (or a pre-SHACL check) in plain terms."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    message: str
    value: str | None = None
    shape: str | None = None


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    checked_triples: int = 0

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        state = "conforms" if self.conforms else "does not conform"
        return (
            f"{state}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
            f"over {self.checked_triples} triples in {self.seconds:.2f} s"
        )

    def as_text(self, *, include_warnings: bool = True, limit: int = 200) -> str:
        rows = [f for f in sorted(self.findings, key=_order) if include_warnings or f.severity == "Violation"]
        lines = [self.summary()]
        for f in rows[:limit]:
            where = f" path {f.path}" if f.path else ""
            value = f" value {f.value}" if f.value else ""
            lines.append(f"  [{f.severity}] {f.focus}{where}{value}: {f.message}")
        if len(rows) > limit:
            lines.append(f"  ... and {len(rows) - limit} more")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "seconds": round(self.seconds, 3),
            "results": [asdict(f) for f in sorted(self.findings, key=_order)],
        }


_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _order(f: Finding) -> tuple:
    return (_RANK.get(f.severity, 3), f.focus, f.path or "", f.message)
