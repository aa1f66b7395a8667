"""mrml (the Rust port of MJML, PyPI `mrml`) compiling an email like brandpress's
`line-man-delivery` piece: header with logo and brand, hero image, Thai + English
title, summary, facts table with a promo code, body with a heading, a quote and a
paragraph, a CTA button, and a footer; the colors and font stacks of the example guide.

Prints one line: `mrml <version>: median <ms> ms/email over <n> iterations, html <bytes> bytes`.
Usage: python mrml-email.py [ITERATIONS]
Times `mrml.to_html` alone, in-process, one email at a time, after a warm-up: mrml writes
only the HTML (no inlining step, no plain-text part, no .eml), so this is its best case.
"""

import statistics
import sys
import time
from importlib.metadata import version

import mrml

PRIMARY, TEXT, BACKGROUND, SURFACE, ACCENT = "#1f4d3a", "#2b2b2b", "#fffdf8", "#f3ede2", "#c8913b"
HEADING = "'Noto Sans Thai', 'Noto Sans', Tahoma, Arial, sans-serif"
BODY = "'Noto Sans Thai', 'Noto Sans', Tahoma, Arial, sans-serif"

TEMPLATE = f"""<mjml lang="th">
  <mj-head>
    <mj-title>Cold Brew ส่งฟรีผ่าน LINE MAN ทุกวันศุกร์</mj-title>
    <mj-preview>สั่ง Cold Brew หรือกาแฟแก้วโปรดผ่าน LINE MAN ครบ 150 บาท ส่งฟรีในกรุงเทพฯ</mj-preview>
    <mj-attributes>
      <mj-all font-family="{BODY}" />
      <mj-text font-size="16px" line-height="28px" color="{TEXT}" />
    </mj-attributes>
    <mj-style>
      @media (prefers-color-scheme: dark) {{
        .bp-card {{ background-color: #101a15 !important; }}
        .bp-title {{ color: #9fd4b8 !important; }}
      }}
    </mj-style>
  </mj-head>
  <mj-body width="600px" background-color="{BACKGROUND}" css-class="bp-card">
    <mj-section background-color="{SURFACE}" padding="20px 32px">
      <mj-column width="20%">
        <mj-image src="https://tonkla.example/campaigns/email/assets/logo.png" alt="Tonkla Coffee" width="56px" href="https://tonkla.example/campaigns/web/line-man-delivery/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=winter-2026" />
      </mj-column>
      <mj-column width="50%">
        <mj-text font-family="{HEADING}" font-weight="700" font-size="18px" color="{PRIMARY}">Tonkla Coffee</mj-text>
      </mj-column>
      <mj-column width="30%">
        <mj-text align="right" font-size="13px" color="{PRIMARY}"><a href="https://tonkla.example/campaigns/web/line-man-delivery/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=winter-2026" style="color: {PRIMARY};">ดูบนเว็บ</a></mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="0">
      <mj-column>
        <mj-image src="https://tonkla.example/campaigns/email/line-man-delivery-hero.png" alt="Cold Brew ส่งฟรีผ่าน LINE MAN ทุกวันศุกร์" width="600px" padding="0" />
      </mj-column>
    </mj-section>
    <mj-section padding="28px 32px 8px 32px">
      <mj-column>
        <mj-text css-class="bp-title" font-family="{HEADING}" font-weight="700" font-size="30px" line-height="42px" color="{PRIMARY}"><h1 style="margin: 0;">Cold Brew ส่งฟรีผ่าน <span lang="en">LINE MAN</span> ทุกวันศุกร์</h1></mj-text>
        <mj-text font-size="18px" line-height="30px">สั่ง Cold Brew หรือกาแฟแก้วโปรดผ่าน LINE MAN ครบ 150 บาท ส่งฟรีในกรุงเทพฯ ทุกวันศุกร์ของเดือนธันวาคม</mj-text>
        <mj-table container-background-color="{SURFACE}" font-size="14px" line-height="22px" color="{PRIMARY}" padding="10px 20px">
          <tr><td style="width: 34%; padding: 10px 0;">ราคา</td><td style="font-weight: 700; font-size: 18px; color: {TEXT};">฿150</td></tr>
          <tr><td style="width: 34%; padding: 10px 0;">โค้ดส่วนลด</td><td style="font-weight: 700; font-size: 18px; letter-spacing: 2px; color: {TEXT};">FRIDAYFREE</td></tr>
          <tr><td style="width: 34%; padding: 10px 0;">ระยะเวลา</td><td style="font-weight: 700; font-size: 18px; color: {TEXT};">4 ธ.ค. 2569 ถึง 25 ธ.ค. 2569</td></tr>
        </mj-table>
        <mj-text font-family="{HEADING}" font-weight="700" font-size="22px" line-height="32px" color="{PRIMARY}"><h2 lang="en" style="margin: 24px 0 8px 0;">Free delivery every Friday</h2></mj-text>
        <mj-text>ทุกวันศุกร์ สั่งเมนูจาก Tonkla Coffee ผ่านแอป LINE MAN ครบ 150 บาท ใส่โค้ด <strong>FRIDAYFREE</strong> แล้วรับส่งฟรี<br><span lang="en">Perfect for the office: order before 10:30 and your Cold Brew arrives before the first meeting.</span></mj-text>
        <mj-text container-background-color="{SURFACE}" padding="12px 16px" css-class="bp-quote">กาแฟมาถึงยังเย็นอยู่เลย ทีมเราสั่งทุกศุกร์แล้ว — ลูกค้าจากสาขาสีลม</mj-text>
        <mj-text>โปรโมชันนี้ใช้ได้ในเขตกรุงเทพฯ และปริมณฑลที่ LINE MAN ให้บริการ</mj-text>
        <mj-button href="https://tonkla.example/order/line-man?utm_source=email&amp;utm_medium=email&amp;utm_campaign=winter-2026" background-color="{PRIMARY}" color="{BACKGROUND}" font-family="{HEADING}" font-weight="700" font-size="17px" line-height="24px" border-radius="999px" inner-padding="14px 32px" padding="8px 0 28px 0">เปิด LINE MAN</mj-button>
      </mj-column>
    </mj-section>
    <mj-section background-color="{PRIMARY}" padding="20px 32px 28px 32px">
      <mj-column>
        <mj-text font-size="13px" line-height="20px" color="{BACKGROUND}">© Tonkla Coffee · 28 พ.ย. 2569</mj-text>
        <mj-text font-size="13px" line-height="20px" color="{BACKGROUND}"><a href="https://tonkla.example/campaigns/web/line-man-delivery/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=winter-2026" style="color: {BACKGROUND};">ดูบนเว็บ</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    out = mrml.to_html(TEMPLATE)
    if out.warnings:
        sys.exit(f"mrml: the template has warnings: {out.warnings}")
    if "FRIDAYFREE" not in out.content or "ส่งฟรี" not in out.content:
        sys.exit("mrml: the output lacks the template's text")
    for _ in range(min(200, iterations)):
        mrml.to_html(TEMPLATE)
    times = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        mrml.to_html(TEMPLATE)
        times.append(time.perf_counter_ns() - start)
    ms = statistics.median(times) / 1e6
    print(
        f"mrml {version('mrml')}: median {ms:.3f} ms/email over {iterations} iterations, "
        f"html {len(out.content.encode())} bytes"
    )


if __name__ == "__main__":
    main()
