"""The downloadable XLSX form of a report template, generated from its declaration (store/templates/).

A commune official or a reporting unit downloads the form from the Data page (or `python -m cli template
CODE`): a data sheet with the exact headers, a guide with every column explained and the cross-column rules,
and the code lists. The columns, notes and rules all come from the template file, so the form, the reader
and the validator cannot drift apart.
"""
from __future__ import annotations

import io

from store.templates import Template, rule_text


def xlsx_template(template: Template) -> bytes:
    """The XLSX form for a template: a data sheet with the exact headers, a guide and the code lists.

    Code columns are formatted as text so that Excel keeps leading zeros ("00004"); enumerated columns
    and the commune and sector columns get drop-down lists.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from store.reference import load_communes, load_sectors

    wb = Workbook()
    ws = wb.active
    ws.title = "Du lieu"
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, f in enumerate(template.fields, start=1):
        cell = ws.cell(row=1, column=col, value=f.header_vi)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(14, min(40, len(f.header_vi) * 0.9))
        if f.kind in ("commune", "cccd", "employer", "period", "text", "sector"):
            for row in range(2, 1002):
                ws.cell(row=row, column=col).number_format = "@"
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 45

    lists = wb.create_sheet("Danh muc")
    communes = load_communes()
    lists.append(["Mã xã/phường", "Tên", "Loại"])
    for rec in communes.itertuples():
        lists.append([rec.code, rec.name_vi, "Phường" if rec.type == "phuong" else "Xã"])
    sectors = load_sectors()
    lists.cell(row=1, column=5, value="Mã ngành VSIC")
    lists.cell(row=1, column=6, value="Tên ngành")
    for i, rec in enumerate(sectors.itertuples(), start=2):
        lists.cell(row=i, column=5, value=rec.code)
        lists.cell(row=i, column=6, value=rec.name_vi)
    for col in ("A", "E"):
        for row in range(2, len(communes) + 2):
            lists[f"{col}{row}"].number_format = "@"
    lists.column_dimensions["B"].width = 28
    lists.column_dimensions["F"].width = 50
    choice_col = 8
    for col, f in enumerate(template.fields, start=1):
        letter = get_column_letter(col)
        target = f"{letter}2:{letter}1001"
        if f.kind == "commune":
            dv = DataValidation(type="list", formula1=f"='Danh muc'!$A$2:$A${len(communes) + 1}", allow_blank=True)
        elif f.kind == "sector":
            dv = DataValidation(type="list", formula1=f"='Danh muc'!$E$2:$E${len(sectors) + 1}", allow_blank=True)
        elif f.choices:
            lists.cell(row=1, column=choice_col, value=f.header_vi)
            for i, c in enumerate(f.choices, start=2):
                lists.cell(row=i, column=choice_col, value=c.label_vi)
            cl = get_column_letter(choice_col)
            dv = DataValidation(type="list", formula1=f"='Danh muc'!${cl}$2:${cl}${len(f.choices) + 1}", allow_blank=True)
            choice_col += 1
        else:
            continue
        dv.error = "Giá trị không có trong danh mục / Value not in the list"
        dv.showErrorMessage = False  # free typing is allowed; the pipeline validates and explains
        ws.add_data_validation(dv)
        dv.add(target)

    guide = wb.create_sheet("Huong dan")
    guide.append([template.name_vi])
    guide.append([template.name_en])
    guide.append([template.description_vi])
    guide.append([template.description_en])
    guide.append([])
    guide.append(["Cột / Column", "Tiếng Anh / English", "Bắt buộc / Required", "Hướng dẫn", "Guidance", "Ví dụ / Example"])
    for f in template.fields:
        allowed_vi = " / ".join(c.label_vi for c in f.choices)
        guide.append([f.header_vi, f.header_en, "Có / Yes" if f.required else "Không / No",
                      f.note_vi or allowed_vi, f.note_en, f.example])
    for rule in template.rules:
        guide.append([rule_text(template, rule, "vi"), rule_text(template, rule, "en")])
    guide.append([])
    guide.append(["Số: dùng dấu phẩy thập phân (1.234,5) hoặc dấu chấm (1,234.5); không để ô trống ở cột bắt buộc.",
                  "Numbers: decimal comma (1.234,5) or point (1,234.5); required cells must not be blank."])
    for col, width in zip("ABCDEF", (42, 34, 14, 60, 60, 20)):
        guide.column_dimensions[col].width = width
    guide["A1"].font = Font(bold=True, size=13)
    for cell in guide[6]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
