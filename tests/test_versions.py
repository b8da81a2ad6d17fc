"""A page's stamps are not part of what a report says; its words and numbers are."""

import pytest

from archive.versions import normalised_text

BODY = "本机关2023年共收到政府信息公开申请12件，均已按时答复。"


@pytest.mark.parametrize(
    "first, second",
    [
        ("浏览次数：1023", "浏览次数：1024"),
        ("点击：88次", "点击：91次"),
        ("发布时间：2024-01-15 10:30:02", "发布时间：2024-01-16 08:00:00"),
        ("今天是2024年1月15日 星期一", "今天是2024年1月16日 星期二"),
        ("09:41:07", "17:02:59"),
        ("token=a1B2c3D4e5F6g7H8i9", "token=Zz9y8X7w6V5u4T3s2R"),
        ("访问量：４５６", "访问量：457"),  # full-width digits, folded by NFKC first
    ],
)
def test_page_stamps_are_not_content(first: str, second: str) -> None:
    assert normalised_text(f"{first}\n{BODY}") == normalised_text(f"{second}\n{BODY}")
    assert normalised_text(f"{BODY}{first}") == normalised_text(f"{BODY}{second}")


def test_a_changed_number_is_content() -> None:
    assert normalised_text(BODY) != normalised_text(BODY.replace("12件", "13件"))
    assert normalised_text("发布机关：某某县") != normalised_text("发布机关：某某市")
