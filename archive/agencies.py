"""Which reports come from the same body: a report's agency name → one `agencies` row.

A title names its body differently from year to year (平潭综合实验区 / 平潭综合实验区管委会,
沭阳县 / 沭阳县人民政府, a stray space, traditional characters, a 关于 or a 2023年度 left
around it). `normalise` turns a name into the body's name in one spelling; `merge_key` goes on
to what identifies the body, by rules and, for what rules cannot decide (a body renamed, a
portal's own long name), by the alias file agency_aliases.yml.

Province and level come from the registry (the report's portal) when it has them, else from the
place names in the body's own name (`place_province`, `name_level`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from parsers.hanzi import to_simplified

ALIASES = Path(__file__).with_name("agency_aliases.yml")

# Provinces in the order of their codes (GB/T 2260), with the short forms titles use (北京 for
# 北京市, 内蒙古 for 内蒙古自治区).
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京市": ("北京",),
    "天津市": ("天津",),
    "河北省": ("河北",),
    "山西省": ("山西",),
    "内蒙古自治区": ("内蒙古",),
    "辽宁省": ("辽宁",),
    "吉林省": ("吉林",),
    "黑龙江省": ("黑龙江",),
    "上海市": ("上海",),
    "江苏省": ("江苏",),
    "浙江省": ("浙江",),
    "安徽省": ("安徽",),
    "福建省": ("福建",),
    "江西省": ("江西",),
    "山东省": ("山东",),
    "河南省": ("河南",),
    "湖北省": ("湖北",),
    "湖南省": ("湖南",),
    "广东省": ("广东",),
    "广西壮族自治区": ("广西",),
    "海南省": ("海南",),
    "重庆市": ("重庆",),
    "四川省": ("四川",),
    "贵州省": ("贵州",),
    "云南省": ("云南",),
    "西藏自治区": ("西藏",),
    "陕西省": ("陕西",),
    "甘肃省": ("甘肃",),
    "青海省": ("青海",),
    "宁夏回族自治区": ("宁夏",),
    "新疆维吾尔自治区": ("新疆",),
    "台湾省": ("台湾",),
}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# What a government calls itself after its place name: 沭阳县人民政府 is 沭阳县, and a zone run
# by a party working committee and an administrative committee (…区党工委管委会) is its zone.
GOVERNMENT_SUFFIXES = ("人民政府", "党工委管委会", "管理委员会", "管委会", "政府", "办事处")
# Place names end so; a name ending so after its government suffix is gone names a place.
PLACE_SUFFIXES = (
    "省",
    "自治区",
    "市",
    "自治州",
    "州",
    "地区",
    "盟",
    "县",
    "自治县",
    "旗",
    "区",
    "镇",
    "乡",
    "街道",
    "苏木",
    "实验区",
    "新区",
    "开发区",
)
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "苏木")
# A body that is part of a government, not the government of a place.
DEPARTMENT_MARKERS = (
    "局",
    "厅",
    "委员会",
    "办公室",
    "办公厅",
    "中心",
    "院",
    "所",
    "署",
    "部",
    "站",
    "队",
    "委",
    "处",
    "会",
    "公司",
    "集团",
)

# Around the name in a title: 关于…, …2023年度, …政府信息公开工作年度报告.
_LEADING = re.compile(r"^(关于)+")
_TRAILING = re.compile(
    r"((19|20)\d{2}年(度)?|年度|政府信息公开(工作)?(年度)?(报告)?|工作(年度)?报告|的)+$"
)
# Whitespace and punctuation, full- and half-width: (Unicode categories Z*, P*, S*, C*).
_DROP = frozenset("ZPSC")


def normalise(name: str | None) -> str | None:
    """The body's name in one spelling: simplified, no spaces or punctuation, no title wrappers."""
    if not name:
        return None
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in _DROP)
    text = to_simplified(text)  # titles come simplified from the parser; aliases may not
    text = _TRAILING.sub("", _LEADING.sub("", text))
    return text or None


def place_core(name: str) -> str:
    """A government named by its place is its place: 沭阳县人民政府 → 沭阳县."""
    for suffix in GOVERNMENT_SUFFIXES:
        rest = name.removesuffix(suffix)
        if rest != name and rest.endswith(PLACE_SUFFIXES):
            return rest
    return name


@cache
def aliases(path: Path = ALIASES) -> dict[str, str]:
    """Other name → the name it is merged into, both normalised."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    table = {}
    for entry in entries:
        target = place_core(normalise(entry["name"]))
        for other in entry.get("also") or []:
            table[place_core(normalise(other))] = target
    return table


def place_province(name: str) -> str | None:
    """The province a name begins with (江苏省沭阳县 → 江苏省), if it begins with one."""
    for province, short in PROVINCES.items():
        for spelling in (province, *short):
            if name.startswith(spelling):
                return province
    return None


def is_department(name: str) -> bool:
    core = place_core(name)
    return core == name and not name.endswith(PLACE_SUFFIXES) and name.endswith(DEPARTMENT_MARKERS)


def name_level(name: str, registry_level: str | None = None) -> str | None:
    """central / provincial / prefecture / county / township / department, from the name.

    A bare X市 may be a prefecture or a county-level city: the registry's level decides it,
    or it stays unknown (null)."""
    if is_department(name):
        return "department"
    core = place_core(name)
    if core in PROVINCES or core in MUNICIPALITIES:
        return "provincial"
    if core.endswith(TOWNSHIP_SUFFIXES):
        return "township"
    if core.endswith(("县", "自治县", "旗")):
        return "county"
    if core.endswith(("自治州", "地区", "盟")):
        return "prefecture"
    if core.endswith("区"):
        # a district of a city (…市…区) is of county level; 平潭综合实验区 and the like are not
        return "county" if "市" in core[:-1] else registry_level
    if core.endswith("市"):
        inside = core.removeprefix(place_province(core) or "")
        if place_province(core) in MUNICIPALITIES:
            return "provincial" if not inside.strip("市") else "county"
        if "市" in inside[:-1]:  # 苏州市昆山市: a city inside a city
            return "county"
        return registry_level if registry_level in ("prefecture", "county") else None
    return registry_level


def _bare_township(core: str) -> bool:
    """A township named without the county or city it belongs to (东峡镇, not 安岳县清流镇)."""
    suffix = next((s for s in TOWNSHIP_SUFFIXES if core.endswith(s)), None)
    return suffix is not None and not any(m in core[: -len(suffix)] for m in "省市州县区旗")


@dataclass(frozen=True)
class AgencyName:
    name: str  # normalised
    core: str  # the body's name once government suffixes and aliases are applied
    key: str  # same key, same body


@lru_cache(maxsize=4096)  # asked again for every report of an agency each time one is stored
def agency_name(
    name: str | None, province: str | None = None, portal: str | None = None
) -> AgencyName | None:
    """The normalised name and the merge key of a report's agency.

    The key holds the province (from the registry, else from the name): 城关镇 of two
    provinces are two bodies. A township named without its county is told apart by its
    portal too, since a province has many a 城关镇."""
    normalised = normalise(name)
    if not normalised:
        return None
    core = place_core(normalised)
    core = aliases().get(core, core)
    province = province or place_province(core) or ""
    scope = (portal or "") if _bare_township(core) else ""
    return AgencyName(normalised, core, f"{province}|{scope}|{core}")
