#!/usr/bin/env python3
"""Regenerates src/lint/email/caniemail.json: the CSS features that major email clients
drop, extracted from the caniemail.com data shipped in the npm package `caniemail`.

Usage: scripts/update-caniemail.py [VERSION]   (default: latest)
       scripts/update-caniemail.py --from path/to/caniemail.json

Needs npm (installs into a temporary directory, never into the repository) and python3.
Writes src/lint/email/caniemail.json and src/lint/email/CANIEMAIL.md (source note).
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "lint", "email", "caniemail.json")
NOTE = os.path.join(ROOT, "src", "lint", "email", "CANIEMAIL.md")

# The clients the lint reports, as (id, display name, caniemail family, platform).
CLIENTS = [
    ("gmail", "Gmail", "gmail", "desktop-webmail"),
    ("outlook-windows", "Outlook for Windows", "outlook", "windows"),
    ("apple-mail", "Apple Mail", "apple-mail", "macos"),
    ("yahoo", "Yahoo Mail", "yahoo", "desktop-webmail"),
]

IDENT = re.compile(r"^-?[a-z][a-z0-9-]*$")


def fetch(version):
    tmp = tempfile.mkdtemp(prefix="caniemail-")
    spec = f"caniemail@{version}" if version else "caniemail"
    subprocess.run(
        ["npm", "install", "--prefix", tmp, "--no-save", "--ignore-scripts", spec],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pkg = os.path.join(tmp, "node_modules", "caniemail")
    with open(os.path.join(pkg, "package.json")) as f:
        installed = json.load(f)["version"]
    return os.path.join(pkg, "data", "caniemail.json"), installed


def latest(stats, family, platform):
    """The result of the most recent test ('y', 'n', 'a', 'u'), or None if untested."""
    versions = stats.get(family, {}).get(platform, {})
    if not versions:
        return None
    value = list(versions.values())[-1]  # caniemail lists versions oldest first
    return value.split()[0] if value else None


def matchers(feature, titles):
    """(kind, [names]) saying how the lint recognises the feature in CSS, or None."""
    slug = feature["slug"][len("css-"):]
    title = feature["title"].strip()
    kw = [k.strip() for k in (feature.get("keywords") or "").split(",")]
    if slug in ("comments", "nesting", "sytem-ui", "intrinsic-size", "unit-percent"):
        return None  # not detectable as a single construct, or values of other properties
    if slug == "important":
        return ("important", ["!important"])
    if slug == "variables":
        return ("function", ["var"])
    if slug.startswith("at-media-"):
        feats = re.findall(r"\(([-a-z]+)\)", title)
        return ("media-feature", feats) if feats else None
    if slug.startswith("at-"):
        return ("at-rule", [title.lstrip("@")])
    if slug.startswith("pseudo-class-") or slug.startswith("pseudo-element-"):
        name = title.rstrip("()").lstrip(":")
        return ("pseudo-element" if "element" in slug else "pseudo-class", [name])
    if slug.startswith("selector-"):
        return ("selector", [slug[len("selector-"):]])
    if slug.startswith("unit-"):
        name = slug[len("unit-"):]
        if name == "calc":
            return ("function", ["calc"])
        if name == "initial":
            return ("value", ["initial"])
        return ("unit", [name])
    if title.endswith("()") or "()" in title:
        names = [t.strip().rstrip("()") for t in re.findall(r"[a-z-]+\(\)", title)]
        return ("function", names)
    if ":" in title:  # display:flex, flex-wrap: wrap
        prop, value = [p.strip() for p in title.split(":", 1)]
        return ("property-value", [f"{prop}:{value}"])
    names = []
    base = re.sub(r"\s+(css\s+)?property$", "", title, flags=re.I)
    base = {"font shorthand": "font"}.get(base, base)
    for part in re.split(r"[,&]", base):
        part = part.strip()
        if IDENT.match(part):
            names.append(part)
    first = slug.split("-")[0] + "-"
    for k in kw:
        if IDENT.match(k) and "-" in k and k.startswith(first) and k not in titles and k not in names:
            names.append(k)
    return ("property", names) if names else None


def main():
    args = sys.argv[1:]
    if args and args[0] == "--from":
        path, version = args[1], "local file"
    else:
        path, version = fetch(args[0] if args else None)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    titles = {x["title"].strip() for x in data["data"]}
    features = []
    for feature in data["data"]:
        if feature["category"] != "css":
            continue
        m = matchers(feature, titles)
        if not m:
            continue
        unsupported, partial = [], []
        for cid, _, family, platform in CLIENTS:
            v = latest(feature["stats"], family, platform)
            if v == "n":
                unsupported.append(cid)
            elif v == "a":
                partial.append(cid)
        if not unsupported:
            continue
        features.append(
            {
                "slug": feature["slug"],
                "title": feature["title"].strip(),
                "kind": m[0],
                "names": m[1],
                "unsupported": unsupported,
                "partial": partial,
                "url": feature["url"],
            }
        )
    out = {
        "source": {
            "package": "caniemail",
            "version": version,
            "data_updated": data.get("last_update_date"),
            "extracted": datetime.date.today().isoformat(),
        },
        "clients": {cid: name for cid, name, _, _ in CLIENTS},
        "features": features,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(NOTE, "w", encoding="utf-8") as f:
        f.write(
            f"""# caniemail.json

CSS features that at least one of Gmail (desktop webmail), Outlook for Windows, Apple Mail
(macOS) or Yahoo Mail (desktop webmail) does not support in its most recent caniemail test,
used by the `email/unsupported-css` lint rule.

- Source: npm package `caniemail` {version} (the caniemail.com data, MIT licensed,
  https://github.com/shellscape/caniemail), data last updated {data.get('last_update_date')}.
- Extracted: {out['source']['extracted']} by `scripts/update-caniemail.py`; {len(features)} features.
- Regenerate: `python3 scripts/update-caniemail.py [VERSION]` (installs the package into a
  temporary directory with npm; needs network access).

Per feature: `kind` (property, property-value, at-rule, media-feature, pseudo-class,
pseudo-element, function, unit, value, selector, important), `names` (what the lint matches),
`unsupported` and `partial` (client ids), and the caniemail page.
"""
        )
    print(f"wrote {OUT}: {len(features)} features from caniemail {version}")


if __name__ == "__main__":
    main()
