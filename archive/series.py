"""The figures an agency reported year by year, across the change of form in 2019.

Reports on 2008–2018 print the old 统计表 (legacy_figures); reports since 2019 print the
national tables. Three figures mean the same in both, and the view `agency_series` puts
them side by side, one row per current report (latest version) of an agency and year:
- requests_received: 受理/收到的政府信息公开申请数 (legacy `applications`) | 本年新收政府信息公开
  申请数量, 总计 column (applications.new_received.total);
- reviews: 行政复议数 (legacy `reviews`) | 行政复议 总计 (review_litigation review.total);
- lawsuits: 行政诉讼数 (legacy `lawsuits`) | 未经复议直接起诉 + 复议后起诉, 总计 columns — null
  when either is blank: a sum with a blank cell in it is not known.
`source` says where a legacy figure came from: `table` or `text` (a sentence). An agency is
the `agencies` row its reports were merged into (agency_id; `agency` is its name, or the
title's when the report has none), so 沭阳县 and 沭阳县人民政府 are one series.
"""

from __future__ import annotations

import sqlite_utils

AGENCY_SERIES = "agency_series"

AGENCY_SERIES_SQL = """
select coalesce(g.name, r.agency) as agency, r.agency_id, r.year, r.province, r.template,
  r.id as report_id,
  max(case when f.key = 'applications' then f.value end) as requests_received,
  max(case when f.key = 'reviews' then f.value end) as reviews,
  max(case when f.key = 'lawsuits' then f.value end) as lawsuits,
  group_concat(distinct f.source) as source
from reports r
left join agencies g on g.id = r.agency_id
left join legacy_figures f
  on f.report_id = r.id and f.key in ('applications', 'reviews', 'lawsuits')
where r.superseded_by is null and r.template = 'pre2019'
group by r.id
union all
select coalesce(g.name, r.agency), r.agency_id, r.year, r.province, r.template, r.id,
  a.total, rv.total, ld.total + la.total, 'table'
from reports r
left join agencies g on g.id = r.agency_id
left join applications a on a.report_id = r.id and a.row = 'new_received'
left join review_litigation rv on rv.report_id = r.id and rv.kind = 'review'
left join review_litigation ld on ld.report_id = r.id and ld.kind = 'litigation_direct'
left join review_litigation la on la.report_id = r.id and la.kind = 'litigation_after_review'
where r.superseded_by is null and r.template in ('2019', '2021')
"""


def ensure_series_view(db: sqlite_utils.Database) -> None:
    """Create the view, or replace it when its definition changed."""
    db.create_view(AGENCY_SERIES, AGENCY_SERIES_SQL.strip(), replace=True)
