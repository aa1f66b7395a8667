// Renders the bundled line-man-delivery Open Graph card (1200×630) with Takumi
// (@takumi-rs/core) in-process and prints its per-card time and PNG size, to compare with
// brandpress's `social` criterion bench ("og card, line-man layout (compose + png)").
//
// The layout follows what brandpress draws for content/*/line-man-delivery.md with
// brand/brand.toml: forest background, the logo (96 px, 44 px margin), a Thai + English
// bold title, the summary, the price and promo code line and the call to action in a
// saffron pill, in the brand's Noto Sans and Noto Sans Thai from brand/fonts, at the
// sizes brandpress fits them to on that card (title 72 px, summary 32 px, facts and call
// to action 25.6 px).
//
// Usage: node takumi-card.mjs <repo root> [iterations] [out.png]
// (run through scripts/peers/takumi.sh, which installs @takumi-rs/core in a temp dir).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Renderer } from "@takumi-rs/core";

const root = process.argv[2] ?? ".";
const iterations = Number(process.argv[3] ?? 200);
const outPath = process.argv[4];
const font = (f) => readFileSync(join(root, "brand/fonts", f));

const forest = "#1F5C4A", paper = "#FFF8EE", saffron = "#F2A541", ink = "#1B1B1B";
const family = "'Noto Sans', 'Noto Sans Thai'";
const text = (text, style) => ({ type: "text", text, style: { fontFamily: family, ...style } });

const card = {
  type: "container",
  style: {
    width: 1200, height: 630, padding: 44, backgroundColor: forest,
    display: "flex", flexDirection: "column", color: paper,
  },
  children: [
    { type: "image", src: "logo.svg", style: { width: 96, height: 96, marginBottom: 24 } },
    text("Cold Brew ส่งฟรีผ่าน LINE MAN ทุกวันศุกร์", {
      fontSize: 72, fontWeight: 700, lineHeight: 1.3, maxWidth: 1112,
    }),
    text("สั่ง Cold Brew หรือกาแฟแก้วโปรดผ่าน LINE MAN ครบ 150 บาท ส่งฟรีในกรุงเทพฯ ทุกวันศุกร์ของเดือนธันวาคม", {
      fontSize: 32, fontWeight: 400, lineHeight: 1.45, marginTop: 12.8,
    }),
    { type: "container", style: { flexGrow: 1 } },
    text("ราคา ฿150  ·  โค้ดส่วนลด FRIDAYFREE", { fontSize: 25.6, fontWeight: 700, marginBottom: 20, whiteSpace: "pre" }),
    {
      type: "container",
      style: {
        display: "flex", alignSelf: "flex-start", alignItems: "center", height: 54,
        paddingLeft: 25.6, paddingRight: 25.6, borderRadius: 27, backgroundColor: saffron,
      },
      children: [text("เปิด LINE MAN", { fontSize: 25.6, fontWeight: 700, color: ink })],
    },
  ],
};

const renderer = new Renderer();
for (const f of ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"]) {
  await renderer.registerFont(font(f));
}
const options = {
  width: 1200,
  height: 630,
  format: "png",
  images: [{ src: "logo.svg", data: readFileSync(join(root, "brand/logo.svg")) }],
};

// Warm up (font and image caches), then time each card on its own.
let png;
for (let i = 0; i < 10; i++) png = await renderer.render(card, options);
const times = [];
for (let i = 0; i < iterations; i++) {
  const t = process.hrtime.bigint();
  png = await renderer.render(card, options);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const colorType = { 0: "gray", 2: "rgb", 3: "indexed", 4: "gray+alpha", 6: "rgba" }[png[25]];
if (outPath) writeFileSync(outPath, png);
console.log(
  `takumi ${process.env.TAKUMI_VERSION ?? ""}: og card 1200x630, median ${median.toFixed(2)} ms/card ` +
    `(min ${times[0].toFixed(2)}, ${iterations} cards), png ${png.length} bytes, ${colorType} ${png[24]}-bit`,
);
