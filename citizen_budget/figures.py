"""Figures derived from a snapshot: totals, breakdowns, shares, per-beneficiary amounts,
execution and the year-over-year comparison. Pure functions of the snapshot dict (no Flask, no
database), shared by the page, the charts, the open data and the API."""
from __future__ import annotations

from dataclasses import dataclass, field

NONE_CODE = ""  # "no sector/locality given" and "funding source not specified"
# The Sankey's target for a source's money that no funded allocation uses: with it, each
# source's flows add up to that source's amount in the table of funding sources.
UNALLOCATED_CODE = "~not-allocated"


def name(ref: dict | None, lang: str, fallback: str = "") -> str:
    if not ref:
        return fallback
    return ref.get(f"name_{lang}") or ref.get("name_ar") or ref.get("name_en") or fallback


def title(item: dict, lang: str) -> str:
    return item.get(f"title_{lang}") or item.get("title_ar") or item.get("title_en") or item.get("code", "")


def hundred_split(amounts: list[int]) -> list[int]:
    """Whole "out of every 100" numbers that add up to exactly 100 (largest remainder)."""
    total = sum(amounts)
    if total <= 0:
        return [0 for _ in amounts]
    raw = [a * 100 / total for a in amounts]
    whole = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))
    for i in order[:100 - sum(whole)]:
        whole[i] += 1
    return whole


@dataclass
class Group:
    code: str
    ref: dict | None
    amount_minor: int = 0
    executed_minor: int = 0
    count: int = 0
    beneficiaries: int = 0
    allocations: list = field(default_factory=list)
    share: float = 0.0
    per_hundred: int = 0

    def label(self, lang: str, fallback: str = "") -> str:
        return name(self.ref, lang, fallback)


def _group(allocations: list[dict], key) -> list[Group]:
    groups: dict[str, Group] = {}
    for a in allocations:
        for ref in key(a):
            code = ref["code"] if ref else NONE_CODE
            g = groups.setdefault(code, Group(code, ref))
            g.amount_minor += a["amount_minor"]
            g.executed_minor += (a.get("execution") or {}).get("executed_minor", 0)
            g.count += 1
            g.beneficiaries += a.get("beneficiaries") or 0
            g.allocations.append(a)
    out = sorted(groups.values(), key=lambda g: (-g.amount_minor, g.code == NONE_CODE, g.code))
    total = sum(a["amount_minor"] for a in allocations)
    for g, hundred in zip(out, hundred_split([g.amount_minor for g in out])):
        g.share = g.amount_minor / total if total else 0.0
        g.per_hundred = hundred
    return out


@dataclass
class Figures:
    snapshot: dict
    funded: list
    not_funded: list
    allocated_minor: int
    executed_minor: int
    envelope_minor: int
    funding_total_minor: int
    by_sector: list
    by_target_group: list
    by_locality: list
    by_source: list
    flows: list  # (source code, sector code, amount)
    quarters: dict
    has_execution: bool
    beneficiaries: int
    priorities_funded: list
    priorities_not_funded: list
    previous: dict | None
    not_feasible: list = field(default_factory=list)  # kept off the ballot by the feasibility review
    # Beneficiaries' consultations of the year (snapshot["consultations"]; older snapshots: none).
    consultations: list = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.snapshot["currency"]

    @property
    def unallocated_minor(self) -> int:
        return max(self.envelope_minor - self.allocated_minor, 0)

    @property
    def unspecified_source_minor(self) -> int:
        """Allocated money whose funding source was not recorded (shown as "Not yet tied to a source")."""
        return sum(v for s, _t, v in self.flows if s == NONE_CODE)

    @property
    def not_allocated_source_minor(self) -> int:
        """Money of the funding sources that no funded allocation uses (the Sankey's "Not allocated")."""
        return sum(v for _s, t, v in self.flows if t == UNALLOCATED_CODE)

    @property
    def execution_rate(self) -> float | None:
        return self.executed_minor / self.allocated_minor if self.allocated_minor else None

    @property
    def per_beneficiary_minor(self) -> int | None:
        return round(self.allocated_minor / self.beneficiaries) if self.beneficiaries else None

    def flow_minor(self, source_code: str) -> int:
        """What the funded activities' own funding splits take from one source (the Sankey's width)."""
        return sum(v for s, _t, v in self.flows if s == source_code)

    @property
    def untied_minor(self) -> int:
        """Allocated money whose activity names no funding source for it (shown as such, not guessed)."""
        return self.flow_minor(NONE_CODE)

    def source_ref(self, code: str | None) -> dict | None:
        for s in self.snapshot["funding_sources"]:
            if s["code"] == code:
                return s
        return None


def compute(snapshot: dict) -> Figures:
    """All derived figures of ``snapshot``."""
    allocations = snapshot["allocations"]
    funded = [a for a in allocations if a["funded"]]
    not_feasible = [a for a in allocations if (a.get("review") or {}).get("outcome") == "not_feasible"]
    not_funded = sorted((a for a in allocations if not a["funded"] and a not in not_feasible),
                        key=lambda a: (-(a.get("votes") or 0), a["code"]))
    allocated = sum(a["amount_minor"] for a in funded)
    executed = sum((a.get("execution") or {}).get("executed_minor", 0) for a in funded)

    by_source = [{"code": s["code"], "ref": s, "amount_minor": s["amount_minor"]}
                 for s in snapshot["funding_sources"] if s["amount_minor"]]
    for item, hundred in zip(by_source, hundred_split([s["amount_minor"] for s in by_source])):
        item["per_hundred"] = hundred
        total = sum(s["amount_minor"] for s in by_source)
        item["share"] = item["amount_minor"] / total if total else 0.0

    flows: dict[tuple[str, str], int] = {}
    for a in funded:
        sector = a["sector"]["code"] if a.get("sector") else NONE_CODE
        split = 0
        for f in a.get("funding") or []:
            amount = min(f["amount_minor"], a["amount_minor"] - split)
            if amount > 0:
                flows[(f["code"], sector)] = flows.get((f["code"], sector), 0) + amount
                split += amount
        if a["amount_minor"] > split:
            flows[(NONE_CODE, sector)] = flows.get((NONE_CODE, sector), 0) + a["amount_minor"] - split
    for s in snapshot["funding_sources"]:
        used = sum(v for (code, _t), v in flows.items() if code == s["code"])
        if s["amount_minor"] > used:
            flows[(s["code"], UNALLOCATED_CODE)] = s["amount_minor"] - used

    quarters = {q: 0 for q in (1, 2, 3, 4)}
    for a in funded:
        for s in (a.get("execution") or {}).get("spending", []):
            quarters[s["quarter"]] = quarters.get(s["quarter"], 0) + s["amount_minor"]

    funded_priority_ids = {pid for a in funded for pid in a.get("priorities", [])}
    answering: dict[int, list] = {}
    for a in allocations:
        for pid in a.get("priorities", []):
            answering.setdefault(pid, []).append(a)
    priorities_funded, priorities_not_funded = [], []
    for p in snapshot.get("priorities", []):
        if p["id"] in funded_priority_ids:
            priorities_funded.append({"priority": p, "allocations": [a for a in answering[p["id"]] if a["funded"]]})
        else:
            priorities_not_funded.append({"priority": p, "allocations": answering.get(p["id"], [])})

    return Figures(
        snapshot=snapshot, funded=funded, not_funded=not_funded, allocated_minor=allocated, executed_minor=executed,
        envelope_minor=snapshot["envelope_minor"],
        funding_total_minor=sum(s["amount_minor"] for s in snapshot["funding_sources"]),
        by_sector=_group(funded, lambda a: [a.get("sector")]),
        by_target_group=_group(funded, lambda a: a.get("target_groups") or [None]),
        by_locality=_group(funded, lambda a: [a.get("locality")]),
        by_source=by_source,
        flows=sorted(((s, t, v) for (s, t), v in flows.items()), key=lambda x: (-x[2], x[0], x[1])),
        quarters=quarters,
        has_execution=executed > 0 or any((a.get("execution") or {}).get("progress_pct") for a in funded)
        or any(a.get("milestones") for a in funded),
        beneficiaries=sum(a.get("beneficiaries") or 0 for a in funded),
        priorities_funded=priorities_funded,
        priorities_not_funded=priorities_not_funded,
        previous=snapshot.get("previous_year"),
        not_feasible=not_feasible,
        consultations=list(snapshot.get("consultations") or []),
    )


def comparison_rows(figures: Figures) -> list[dict]:
    """Sector by sector: this year's and the previous year's allocated amounts."""
    prev = figures.previous
    if not prev:
        return []
    rows: dict[str, dict] = {}
    for g in figures.by_sector:
        rows[g.code] = {"code": g.code, "ref": g.ref, "current": g.amount_minor, "previous": 0}
    for s in prev.get("by_sector", []):
        row = rows.setdefault(s["code"], {"code": s["code"], "ref": s if s["code"] else None, "current": 0,
                                          "previous": 0})
        row["previous"] += s["amount_minor"]
    return sorted(rows.values(), key=lambda r: (-r["current"], -r["previous"], r["code"]))
