"""Old 统计表 (2008–2018) the ways real reports print them, to test and score the reader.

A variant is a table (header + rows) and a shape (HTML table, tab rows, rows of cells apart
by spaces, one cell per line, the whole report flattened into one line), with its labels degraded or not (a lost
character, a look-alike, spaces, traditional characters, full-width digits). `expected`
says what `legacy_figures` must hold: key → (value, cumulative), and for rows the
vocabulary lacks, the printed label → value.

`python -m tests.legacy_variants` scores the parser on every variant.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field

from parsers.hanzi import to_simplified
from tests.degrade import FIXTURES, FULLWIDTH, KINDS, LOOKALIKES, Degrader, parse_degraded

# (label, unit, value, cumulative, key); a heading row has unit None and no values.
Line = tuple[str, str | None, object, object, str | None]

GUOTU: tuple[Line, ...] = (
    ("主动公开政府信息数", "条", 412, 2875, "proactive"),
    ("其中：1.政府网站公开数", "条", 398, 2790, "proactive_website"),
    ("2.政府公报公开数", "条", 14, 85, "proactive_gazette"),
    ("受理依申请公开信息总数", "条", 37, 164, "applications"),
    ("其中：1.当面申请数", "条", 21, 102, "applications_in_person"),
    ("2.网上申请数", "条", 9, 31, "applications_online"),
    ("3.信函、传真申请数", "条", 7, 31, "applications_letter_fax"),
    ("对申请的答复总数", "条", 35, 160, "replies"),
    ("其中：1.同意公开答复数", "条", 24, 118, "replies_granted"),
    ("2.同意部分公开答复数", "条", 3, 12, "replies_partly_granted"),
    ("3.不予公开答复数", "条", 2, 9, "replies_denied"),
    ("4.其他类型答复数", "条", 6, 21, "replies_other"),
    ("政府信息公开收费减免金额", "元", 1200, 5600, "fees"),
    ("接受行政诉讼、举报数", "件", 1, 3, "complaints"),
    ("行政复议数", "件", 2, 7, "reviews"),
    ("行政诉讼数", "件", 1, 4, "lawsuits"),
)

# Channels split otherwise, 否决公开, 行政申诉, the unit in the label, numbering （1）.
SPLIT: tuple[Line, ...] = (
    ("主动公开信息数", "项", 260, None, "proactive"),
    ("（1）网站公开", "项", 251, None, "proactive_website"),
    ("（2）政府公报公开", "项", 9, None, "proactive_gazette"),
    ("收到政府信息公开申请数", "件", 15, None, "applications"),
    ("（1）当面申请数", "件", 6, None, "applications_in_person"),
    ("（2）网上申请数", "件", 5, None, "applications_online"),
    ("（3）电子邮件申请数", "件", 1, None, "applications_email"),
    ("（4）信函申请数", "件", 2, None, "applications_letter"),
    ("（5）传真申请数", "件", 0, None, "applications_fax"),
    ("（6）其它形式申请数", "件", 1, None, "applications_other"),
    ("对申请的答复数", "件", 15, None, "replies"),
    ("（1）同意公开答复数", "件", 11, None, "replies_granted"),
    ("（2）同意部分公开答复数", "件", 1, None, "replies_partly_granted"),
    ("（3）否决公开答复数", "件", 2, None, "replies_denied"),
    ("（4）其他", "件", 1, None, "replies_other"),
    ("政府信息公开收费（减免）金额（万元）", "", 0.35, None, "fees"),
    ("行政申诉数", "件", 0, None, "complaints"),
    ("行政复议数", "件", 1, None, "reviews"),
    ("行政诉讼数", "件", 0, None, "lawsuits"),
)

# The 2014–2018 table: headings, and rows the vocabulary lacks (kept with key null).
WIDE: tuple[Line, ...] = (
    ("一、主动公开情况", None, None, None, None),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", 1523, None, "proactive"),
    ("其中：主动公开规范性文件数", "条", 41, None, None),
    ("制发规范性文件总数", "件", 45, None, None),
    ("（二）通过不同渠道和方式公开政府信息的情况", None, None, None, None),
    ("1.政府公报公开政府信息数", "条", 30, None, "proactive_gazette"),
    ("2.政府网站公开政府信息数", "条", 1480, None, "proactive_website"),
    ("3.政务微博公开政府信息数", "条", 600, None, None),
    ("4.政务微信公开政府信息数", "条", 420, None, None),
    ("5.其他方式公开政府信息数", "条", 12, None, "proactive_other"),
    ("二、回应解读情况", None, None, None, None),
    ("（一）回应公众关注热点或重大舆情数", "次", 8, None, None),
    ("1.政府网站在线访谈次数", "次", 4, None, None),
    ("2.政策解读稿件发布数", "篇", 16, None, None),
    ("3.其他方式回应事件数", "次", 2, None, None),
    ("三、依申请公开情况", None, None, None, None),
    ("（一）收到申请数", "件", 45, None, "applications"),
    ("1.当面申请数", "件", 20, None, "applications_in_person"),
    ("2.传真申请数", "件", 1, None, "applications_fax"),
    ("3.网络申请数", "件", 19, None, "applications_online"),
    ("4.信函申请数", "件", 5, None, "applications_letter"),
    ("（二）申请办结数", "件", 44, None, None),
    ("（三）申请答复数", "件", 44, None, "replies"),
    ("1.属于已主动公开范围数", "件", 10, None, None),
    ("2.同意公开答复数", "件", 21, None, "replies_granted"),
    ("3.同意部分公开答复数", "件", 3, None, "replies_partly_granted"),
    ("4.不同意公开答复数", "件", 4, None, "replies_denied"),
    ("5.不属于本行政机关公开数", "件", 3, None, None),
    ("6.申请信息不存在数", "件", 3, None, None),
    ("四、行政复议数量", "件", 2, None, "reviews"),
    ("（一）维持具体行政行为数", "件", 1, None, None),
    ("（二）被依法纠错数", "件", 1, None, None),
    ("五、行政诉讼数量", "件", 1, None, "lawsuits"),
    ("六、举报投诉数量", "件", 0, None, "complaints"),
    ("七、依申请公开信息收取的费用", "万元", 0, None, "fees"),
    ("八、机构建设和保障经费情况", None, None, None, None),
    ("（一）政府信息公开工作专门机构数", "个", 1, None, None),
    ("（二）从事政府信息公开工作人员数", "人", 6, None, None),
    ("（三）政府信息公开专项经费", "万元", 3.5, None, None),
)

TABLES = {"guotu": GUOTU, "split": SPLIT, "wide": WIDE}


@dataclass(frozen=True)
class Variant:
    table: str = "guotu"
    shape: str = "html"  # html | tabs | spaced | lines | oneline
    cumulative: bool = True
    header: tuple[str, ...] = ("指标名称", "计量单位", "2013年度", "历年累计")
    degrade: tuple[str, ...] = ()  # lost | lookalike | spaces | traditional | fullwidth
    seed: int = 0
    name: str = field(default="", compare=False)


def _lose_one(label: str, rng: random.Random) -> str:
    """The label with one of its Chinese characters lost (not its numbering)."""
    bracket = label.find("（", 2)  # a unit in brackets is not lost: （万元） is no （元）
    head = label if bracket < 0 else label[:bracket]
    positions = [i for i, ch in enumerate(head) if "\u4e00" <= ch <= "\u9fff" and ch != "其"]
    if len(positions) < 4:
        return label
    i = rng.choice(positions[1:-1])
    return label[:i] + label[i + 1 :]


def _spaced(label: str, rng: random.Random) -> str:
    if len(label) < 4:
        return label
    i = rng.randrange(2, len(label) - 1)
    return label[:i] + " " + label[i:]


def degraded_label(label: str, degrade: tuple[str, ...], rng: random.Random) -> str:
    if "lost" in degrade:
        label = _lose_one(label, rng)
    if "lookalike" in degrade:
        label = "".join(LOOKALIKES[ch][0] if ch in LOOKALIKES else ch for ch in label)
    if "traditional" in degrade:
        label = Degrader(("traditional",), 0).whole(label)  # OpenCC, as a /big5/ copy
    if "spaces" in degrade:
        label = _spaced(label, rng)
    return label


def _cell(value, degrade: tuple[str, ...]) -> str:
    text = "" if value is None else str(value)
    return text.translate(FULLWIDTH) if "fullwidth" in degrade else text


def rows_of(variant: Variant) -> list[tuple[str, list[str]]]:
    """The printed table: (label, [unit, value, cumulative?]) per row, header first."""
    rng = random.Random(variant.seed)
    header = list(variant.header if variant.cumulative else variant.header[:3])
    header = header if variant.header else []
    header = [
        degraded_label(h, tuple(d for d in variant.degrade if d != "lost"), rng) for h in header
    ]
    rows = [(header[0], header[1:])] if variant.header else []
    for label, unit, value, cumulative, _ in TABLES[variant.table]:
        printed = degraded_label(label, variant.degrade, rng)
        if unit is None:  # a heading: blank cells, or dashes in the 2014 table
            dash = "—" if variant.table == "wide" else ""
            cells = [dash] * (3 if variant.cumulative else 2)
        else:
            cells = [unit, _cell(value, variant.degrade)]
            if variant.cumulative:
                cells.append(_cell(cumulative, variant.degrade))
        rows.append((printed, cells))
    return rows


def expected(variant: Variant) -> dict:
    """key (or ("label", printed label)) → {"value": …, "cumulative": …}."""
    want = {}
    printed = rows_of(variant)[1:] if variant.header else rows_of(variant)
    for (_label, unit, value, cumulative, key), (shown, _) in zip(
        TABLES[variant.table], printed, strict=True
    ):
        if unit is None:
            continue
        if unit == "元":
            value, cumulative = value / 10000, cumulative / 10000
        fields = {"value": value}
        if variant.cumulative:
            fields["cumulative"] = cumulative
        if "traditional" in variant.degrade:  # labels are given in simplified characters
            shown = to_simplified(shown)
        want[key or ("label", "".join(shown.split()))] = fields
    return want


PREFACE = (
    "宿城市国土资源局2013年度政府信息公开工作年度报告",
    "本报告所列数据的统计期限自2013年1月1日起至2013年12月31日止。",
    "一、概述",
    "2013年，本机关认真贯彻落实《条例》，政府信息公开工作稳步推进。",
    "五、政府信息公开工作存在的主要问题及改进情况",
    "公开内容的深度和广度仍需拓展。",
    "附件：政府信息公开情况统计表",
)
AFTER = ("宿城市国土资源局", "2014年3月20日")


def document(variant: Variant) -> tuple[bytes, str]:
    """The report as bytes and a file name that says its format."""
    rows = rows_of(variant)
    if variant.shape == "html":
        cells = "\n".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in [label, *rest]) + "</tr>"
            for label, rest in rows
        )
        body = "".join(f"<p>{html.escape(p)}</p>" for p in PREFACE[1:])
        after = "".join(f"<p>{p}</p>" for p in AFTER)
        page = (
            f"<html><head><meta charset='utf-8'><title>{PREFACE[0]}</title></head><body>"
            f"{body}<table>{cells}</table>{after}</body></html>"
        )
        return page.encode(), "variant.html"
    if variant.shape == "tabs":
        lines = ["\t".join([label, *rest]) for label, rest in rows]
    elif variant.shape == "spaced":  # a row a line, cells apart by spaces (a PDF's text)
        lines = [" ".join(c for c in [label, *rest] if c) for label, rest in rows]
    elif variant.shape == "lines":
        lines = [c for label, rest in rows for c in [label, *rest] if c]
    elif variant.shape == "oneline":
        table = " ".join(c for label, rest in rows for c in [label, *rest] if c)
        lines = [" ".join([*PREFACE, table, *AFTER])]
        return "\n".join(lines).encode(), "variant.txt"
    else:
        raise ValueError(variant.shape)
    return "\n".join([*PREFACE, *lines, *AFTER]).encode(), "variant.txt"


def score(variant: Variant, parsed: dict) -> tuple[int, int, list[str]]:
    got = {}
    for figure in parsed.get("legacy_figures") or []:
        got.setdefault(figure["key"] or ("label", figure["label"]), figure)
    right = total = 0
    misses = []
    for ident, fields in expected(variant).items():
        for name, value in fields.items():
            total += 1
            have = got.get(ident, {}).get(name, "missing")
            ok = isinstance(have, (int, float)) and abs(have - value) < 1e-6 or have == value
            right += ok
            if not ok:
                misses.append(f"{ident}.{name}: expected {value!r}, parsed {have!r}")
    return right, total, misses


HEADERS = {
    "std": ("指标名称", "计量单位", "2013年度", "历年累计"),
    "short": ("项目", "单位", "本年", "累计"),
    "count": ("指标名称", "单位", "2013年", "累计数"),
    "none": (),
}
DEGRADES = (
    (),
    ("lost",),
    ("lookalike",),
    ("spaces",),
    ("fullwidth",),
    ("traditional",),
    ("lost", "spaces"),
    ("lost", "lookalike", "fullwidth"),
)


def all_variants(seeds: int = 5) -> list[Variant]:
    variants = []
    for table in TABLES:
        for shape in ("html", "tabs", "spaced", "lines", "oneline"):
            for cumulative in (True, False):
                if table != "guotu" and cumulative:
                    continue  # SPLIT and WIDE print the year's column only
                for header in HEADERS:
                    for degrade in DEGRADES:
                        if header != "std" and degrade not in ((), ("lost",)):
                            continue
                        for seed in range(seeds) if "lost" in degrade else (0,):
                            name = (
                                f"{table}-{shape}-{'cum' if cumulative else 'year'}-{header}"
                                f"-{'+'.join(degrade) or 'clean'}-{seed}"
                            )
                            variants.append(
                                Variant(
                                    table, shape, cumulative, HEADERS[header], degrade, seed, name
                                )
                            )
    return variants


PRE2019 = FIXTURES / "reports" / "pre2019"


def fixture_score(kinds: tuple[str, ...], seed: int, layouts: dict) -> tuple[int, int, list[str]]:
    """The pre-2019 fixtures degraded as tests.degrade degrades reports, scored on
    legacy_figures (by key, as score_reports.py compares them) and year and template."""
    right = total = 0
    misses: list[str] = []
    for path in sorted(PRE2019.glob("*.expected.json")):
        document = path.with_name(path.name.removesuffix(".expected.json"))
        expected = json.loads(path.read_text(encoding="utf-8"))
        parsed = parse_degraded(document, kinds, seed, layouts)
        got = {f["key"] or ("label", f["label"]): f for f in parsed["legacy_figures"]}
        checks = [("year", expected["year"], parsed["year"])]
        checks.append(("template", expected["template"], parsed["template"]))
        for figure in expected["legacy_figures"]:
            for name in ("value", "cumulative"):
                if name in figure:
                    have = got.get(figure["key"], {}).get(name, "missing")
                    checks.append((f"{figure['key']}.{name}", figure[name], have))
        for what, want, have in checks:
            total += 1
            ok = have == want or (
                isinstance(have, (int, float))
                and isinstance(want, (int, float))
                and abs(have - want) < 1e-6
            )
            right += ok
            if not ok:
                misses.append(f"{document.name} {'+'.join(kinds)} {seed}: {what} {want!r} {have!r}")
    return right, total, misses


def main() -> None:
    from collections import defaultdict

    from parsers import parse_bytes

    layouts: dict = {}
    for kinds in [(k,) for k in KINDS] + [KINDS]:
        right = total = 0
        for seed in range(5):
            r, t, misses = fixture_score(kinds, seed, layouts)
            right, total = right + r, total + t
            for miss in misses:
                print("   ", miss)
        print(f"fixtures {'+'.join(kinds):12} {right}/{total} ({100 * right / total:.1f}%)")

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for variant in all_variants():
        data, name = document(variant)
        parsed = parse_bytes(data, name)
        right, total, misses = score(variant, parsed)
        kind = "+".join(variant.degrade) or "clean"
        header = variant.name.split("-")[3]
        for bucket in (kind, variant.shape, variant.table, f"header {header}", "all"):
            totals[bucket][0] += right
            totals[bucket][1] += total
        if misses:
            print(f"{variant.name}: {right}/{total}  year={parsed['year']} {parsed['template']}")
            for miss in misses[:6]:
                print("   ", miss)
    for bucket, (right, total) in totals.items():
        print(f"{bucket:12} {right}/{total} ({100 * right / total:.1f}%)")


if __name__ == "__main__":
    main()
