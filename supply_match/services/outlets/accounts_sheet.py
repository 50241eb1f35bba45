"""The day's accounts as a workbook in the layout a county finance office files (农资配送
日结表): a heading, goods, money by volunteer, subsidies to claim, corrections, and lines
to sign. Amounts are written as yuan numbers with two decimals, computed from fen."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from supply_match.services.outlets.accounts import shown_moment

YUAN_FORMAT = "#,##0.00"
THIN = Side(style="thin", color="666666")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# The money columns of a volunteer's row and of the total, in the sheet's order.
MONEY_KEYS = (
    "due_fen",
    "cash_fen",
    "transfer_fen",
    "difference_fen",
    "corrections_fen",
    "cash_to_hand_in_fen",
)

# The goods columns after product and unit, in the sheet's order.
GOODS_COLUMNS = ("planned", "short", "out", "delivered", "failed", "returned", "lost")
FIGURE_NAMES = {"returned": "已退回", "lost": "损失"}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


class _Writer:
    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.row = 1

    def line(self, *values: object, bold: bool = False, money: tuple[int, ...] = ()) -> None:
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            if bold:
                cell.font = Font(bold=True)
            if column in money and isinstance(value, Decimal):
                cell.number_format = YUAN_FORMAT
            if value is not None and values != ("",):
                cell.border = BOX
        self.row += 1

    def title(self, text: str) -> None:
        self.row += 1
        self.sheet.cell(row=self.row, column=1, value=text).font = Font(bold=True, size=12)
        self.row += 1


def accounts_xlsx(figures: dict[str, Any]) -> bytes:
    """The workbook for ``outlets.accounts.day_accounts`` figures (Chinese, as filed)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "日结表"
    for column, width in zip("ABCDEFGHI", (18, 12, 12, 12, 12, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = _Writer(sheet)
    sheet.cell(row=1, column=1, value="农资集中配送 网点日结表").font = Font(bold=True, size=14)
    sheet.merge_cells("A1:I1")
    sheet["A1"].alignment = Alignment(horizontal="center")
    out.row = 2
    closed = figures.get("closed")
    out.line("网点", figures["outlet"]["name"], "日期", figures["day"])
    out.line(
        "结账状态",
        "已结账" if closed else "未结账",
        "结账时间",
        shown_moment(closed["at"]) if closed else "",
        "结账人",
        (closed or {}).get("by") or "",
    )

    out.title("一、货物（数量）")
    out.line("产品", "单位", "计划", "缺货", "出库", "送达", "未送达", "已退回", "损失", bold=True)
    for goods in figures["goods"]:
        out.line(
            goods["product"],
            goods["unit"],
            *(Decimal(goods.get(key) or 0) for key in GOODS_COLUMNS),
        )

    out.title("二、志愿者收款（元）")
    out.line("志愿者", "应收", "现金", "转账", "差额", "更正", "应交现金", bold=True)
    for person in figures["volunteers"]:
        out.line(
            person["name"],
            *(_yuan(person[key]) for key in MONEY_KEYS),
            money=(2, 3, 4, 5, 6, 7),
        )
    money = figures["money"]
    out.line(
        "合计",
        *(_yuan(money[key]) for key in MONEY_KEYS),
        bold=True,
        money=(2, 3, 4, 5, 6, 7),
    )

    out.title("三、订单金额（元）")
    out.line("送达订单金额", _yuan(money["orders_fen"]), money=(2,))
    out.line("其中：预付", _yuan(money["prepaid_fen"]), money=(2,))
    out.line("　　　补贴", _yuan(money["subsidy_fen"]), money=(2,))
    out.line("　　　货到付款", _yuan(money["on_delivery_fen"]), money=(2,))
    if money.get("unpriced_orders"):
        out.line("未定价订单（笔）", money["unpriced_orders"])

    out.title("四、应申领补贴（元）")
    out.line("补贴项目", "比例 %", "订单数", "申领金额", bold=True)
    for claim in figures["subsidies"]:
        out.line(
            claim["programme"],
            claim["share_percent"],
            claim["orders"],
            _yuan(claim["claim_fen"]),
            money=(4,),
        )

    if figures.get("corrections"):
        out.title("五、结账后更正")
        out.line("时间", "金额（元）", "产品", "项目", "数量", "经办人", "说明", bold=True)
        for correction in figures["corrections"]:
            goods = correction.get("kind") == "goods"
            out.line(
                shown_moment(correction["at"]),
                None if goods else _yuan(correction["amount_fen"]),
                correction.get("product") or "",
                FIGURE_NAMES.get(correction.get("figure"), ""),
                Decimal(correction["quantity"]) if goods else None,
                correction["by"] or "",
                correction["note"],
                money=(2,),
            )

    out.row += 2
    sheet.cell(row=out.row, column=1, value="网点经办人（签字）：")
    sheet.cell(row=out.row, column=4, value="复核人（签字）：")
    sheet.cell(row=out.row, column=7, value="日期：")
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
