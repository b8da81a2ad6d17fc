"""Find a template's rows among the labels a table prints, by their order.

A national form prints its rows in a fixed order; a report prints their labels in reading
order, mixed with column headers, headings over groups of rows and notes, and with
characters lost, misread or converted. So the printed labels are aligned to the template
like two sequences: each template row takes at most one label, rows and labels both in
order, and the alignment that is most similar in total wins. A label names a row when it
holds one of the row's needles (a substring only that row's label has), else by how close
it is to one of the row's wordings (Indel similarity: characters in common, in order).
Position decides between repeated generic labels (其他, 总计): the one where that row stands.
A row with no label close enough stays unmatched: absent rows are named, never filled by a
neighbour.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Indel

from parsers.hanzi import canon, plain, with_taiwan_words
from parsers.template import RowSpec

THRESHOLD = 0.6  # below this a label is not the row (其他 with a character lost: 0.67)
NEEDLE_LABEL_MAX = 60  # a longer "label" holding a needle is prose, not a row's label
PRINTED_BONUS = 0.05  # a label followed by its values is a row more surely than a heading

# Leading numbering of a label: 一、 （三） (3) 1. 1． 第一, with either half of it lost.
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|[(（][一二三四五六七八九十\d]+[)）]?|[一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、,)]?|[、.,]|第[一二三四五六七八九十]+[项条])+"
)


def label_key(text: str) -> str:
    """A label as it is compared: canonical, without its numbering."""
    return _unnumbered(canon(text))


def _unnumbered(folded: str) -> str:
    return _NUMBERING.sub("", folded) or folded


@dataclass(frozen=True)
class Target:
    spec: RowSpec
    forms: tuple[str, ...]  # the wordings, as label_key leaves them (Taiwan words too)
    needles: tuple[str, ...]
    printed: frozenset[str]  # the wordings and needles as printed (look-alikes not made one)


@dataclass(frozen=True)
class Template:
    """A template's rows prepared for aligning: every wording and needle in one table."""

    targets: tuple[Target, ...]
    choices: tuple[str, ...]  # every row's forms, then the non-rows' forms
    owners: tuple[int, ...]  # target index of each choice; -1 for a non-row
    needles: re.Pattern[str] | None
    needle_owner: dict[str, int]


@functools.cache
def prepare(specs: tuple[RowSpec, ...], non_rows: tuple[str, ...] = ()) -> Template:
    targets = []
    choices: list[str] = []
    owners: list[int] = []
    needle_owner: dict[str, int] = {}
    for index, spec in enumerate(specs):
        forms = tuple(
            dict.fromkeys(
                form
                for wording in (spec.label, *spec.variants)
                for form in with_taiwan_words(label_key(wording))
            )
        )
        needles = tuple(
            form for needle in spec.needles for form in with_taiwan_words(canon(needle))
        )
        printed = frozenset(
            form
            for text in (spec.label, *spec.variants, *spec.needles)
            for form in with_taiwan_words(_unnumbered(plain(text)))
        )
        targets.append(Target(spec, forms, needles, printed))
        choices += forms
        owners += [index] * len(forms)
        for needle in needles:
            needle_owner[needle] = index
    for wording in non_rows:
        for form in with_taiwan_words(label_key(wording)):
            choices.append(form)
            owners.append(-1)
    pattern = "|".join(re.escape(n) for n in sorted(needle_owner, key=len, reverse=True))
    return Template(
        tuple(targets),
        tuple(choices),
        tuple(owners),
        re.compile(pattern) if pattern else None,
        needle_owner,
    )


def candidates(label: str, template: Template) -> dict[int, float]:
    """Target index → similarity, for the rows this label may name."""
    if not label or len(label) > NEEDLE_LABEL_MAX * 2:
        return {}
    scores: dict[int, float] = {}
    best_other = 0.0  # the closest non-row
    for _, score, position in process.extract(
        label,
        template.choices,
        scorer=Indel.normalized_similarity,
        score_cutoff=THRESHOLD,
        limit=None,
    ):
        owner = template.owners[position]
        if owner < 0:
            best_other = max(best_other, score)
        elif score > scores.get(owner, 0.0):
            scores[owner] = score
    if template.needles is not None and len(label) <= NEEDLE_LABEL_MAX:
        for needle in template.needles.findall(label):
            owner = template.needle_owner[needle]
            if not template.targets[owner].spec.generic:
                scores[owner] = 1.0
    # A label closer to a header or a heading than to any row is that header.
    return {owner: score for owner, score in scores.items() if score >= best_other}


@dataclass(frozen=True)
class _Step:
    label: int
    target: int
    total: float
    previous: _Step | None


def align(
    labels: list[str], template: Template, printed: list[bool] | None = None
) -> dict[int, int]:
    """Label index → target index, the monotone alignment of greatest total similarity.

    `printed[i]` says label i is followed by values: a small bonus, so a table row wins over
    a heading or a sentence that says the same words.
    """
    n = len(template.targets)
    best: list[_Step | None] = [None] * n  # best alignment whose last row is target j
    for i, label in enumerate(labels):
        found = candidates(label, template)
        if not found:
            continue
        bonus = PRINTED_BONUS if printed and printed[i] else 0.0
        # prefix[j]: the best alignment ending before target j.
        prefix: list[_Step | None] = [None] * (n + 1)
        for j in range(n):
            prefix[j + 1] = _better(prefix[j], best[j])
        for j, score in found.items():
            before = prefix[j]
            total = (before.total if before else 0.0) + score + bonus
            if best[j] is None or total > best[j].total + 1e-9:
                best[j] = _Step(i, j, total, before)
    last = None
    for step in best:
        last = _better(last, step)
    matched: dict[int, int] = {}
    while last is not None:
        matched[last.label] = last.target
        last = last.previous
    return matched


def _better(a: _Step | None, b: _Step | None) -> _Step | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.total > a.total + 1e-9 else a


def read_exactly(text: str, target: Target) -> bool:
    """The printed label says the row's words as they are, not only something close."""
    printed = _unnumbered(plain(text))
    if printed in target.printed:
        return True
    return not target.spec.generic and any(word in printed for word in target.printed)
