#!/usr/bin/env bash
# Lint the real-world corpus (scripts/fetch-real-world.sh) kind by kind and print a markdown report:
# throughput per kind, findings by rule, internal errors and crashes, and the agreement of
# pdf/font-not-embedded with poppler's pdffonts.
#
#   scripts/lint-real-world.sh [--corpus DIR] [--bin PATH] [--project DIR] [--out DIR]
#                              [--kinds email,eml,pdf,image,web,markdown] [--force-kind]
#                              [--no-pdffonts] [--no-isolate] [--timeout SECONDS]
#
#   --corpus DIR   the corpus (default: $BRANDPRESS_REAL_WORLD, else target/real-world)
#   --bin PATH     the brandpress binary (default: target/release/brandpress; build it first with
#                  `cargo build --release`)
#   --project DIR  the project whose brand guide is used (default: this repository, whose bundled
#                  guide is someone else's brand for every file of the corpus: findings are expected)
#   --out DIR      where the raw reports go (default: DIR/../real-world-report): <kind>.json, the
#                  stderr of each run, pdffonts.tsv, report.md
#   --force-kind   lint each folder with `--kind <kind>` instead of detecting each file's kind
#   --no-pdffonts  skip the pdffonts comparison (skipped anyway when pdffonts is not installed)
#   --no-isolate   when a run crashes (exit code other than 0 and 1, or no JSON on stdout), do not
#                  rerun the kind file by file to name the files that crash it
#   --timeout S    give up on one kind's run after S seconds (default 3600)
#   --reuse        do not lint nor run pdffonts again: summarize the reports already in --out
#
# Exit code: 0 when every kind's run exited 0 or 1 with a complete JSON report (summary.files =
# the number of files in the folder) and no lint/internal-error; 1 otherwise; 2 on usage errors.
# Wall times are of one run on this machine, files read from the page cache (a first untimed
# pass warms it); brandpress lints files in parallel, so they depend on the number of cores.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${BRANDPRESS_REAL_WORLD:-$here/target/real-world}
bin=$here/target/release/brandpress
project=$here
out=''
kinds=email,eml,pdf,image,web,markdown
force_kind=0 pdffonts=1 isolate=1 timeout_s=3600 reuse=0
while [[ $# -gt 0 ]]; do
  case $1 in
  --corpus) corpus=${2:?}; shift 2 ;;
  --bin) bin=${2:?}; shift 2 ;;
  --project) project=${2:?}; shift 2 ;;
  --out) out=${2:?}; shift 2 ;;
  --kinds) kinds=${2:?}; shift 2 ;;
  --force-kind) force_kind=1; shift ;;
  --no-pdffonts) pdffonts=0; shift ;;
  --no-isolate) isolate=0; shift ;;
  --timeout) timeout_s=${2:?}; shift 2 ;;
  --reuse) reuse=1; shift ;;
  -h | --help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in python3 timeout; do
  command -v "$tool" >/dev/null || { echo "lint-real-world: needs $tool" >&2; exit 2; }
done
[[ -x $bin ]] || { echo "lint-real-world: no binary at $bin (cargo build --release)" >&2; exit 2; }
[[ -d $corpus ]] || { echo "lint-real-world: no corpus at $corpus (scripts/fetch-real-world.sh)" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=${out:-$(dirname "$corpus")/real-world-report}
mkdir -p "$out"
out=$(cd "$out" && pwd)

now() { date +%s.%N; }

IFS=, read -r -a kind_list <<<"$kinds"
[[ $reuse == 1 ]] || : >"$out/runs.tsv"
for kind in "${kind_list[@]}"; do
  [[ $reuse == 1 ]] && break
  dir=$corpus/$kind
  [[ -d $dir ]] || { echo "skip $kind: no $dir" >&2; continue; }
  args=(lint --project "$project" --format json)
  [[ $force_kind == 1 ]] && args+=(--kind "$kind")
  # Warm the page cache so the timed run measures linting, not the disk.
  find "$dir" -type f -exec cat {} + >/dev/null
  echo "linting $kind…" >&2
  start=$(now)
  rc=0
  # CPU time and peak memory with GNU time where there is one (wall time depends on the load).
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -o "$out/$kind.time" -f '%U %S %M')
  rm -f "$out/$kind.time"
  timeout "$timeout_s" "${timer[@]}" "$bin" "${args[@]}" "$dir" >"$out/$kind.json" 2>"$out/$kind.stderr" || rc=$?
  end=$(now)
  printf '%s\t%s\t%s\t%s\n' "$kind" "$rc" "$start" "$end" >>"$out/runs.tsv"
  # A crash loses the whole report: rerun file by file to name the files that cause it.
  if [[ $isolate == 1 ]] && { [[ $rc != 0 && $rc != 1 ]] || ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/$kind.json" 2>/dev/null; }; then
    echo "  $kind crashed (exit $rc): linting file by file" >&2
    : >"$out/$kind.isolated.tsv"
    while IFS= read -r -d '' file; do
      frc=0
      timeout 120 "$bin" "${args[@]}" "$file" >/dev/null 2>"$out/one.stderr" || frc=$?
      if [[ $frc != 0 && $frc != 1 ]]; then
        msg=$(grep -m1 -A1 'panicked at' "$out/one.stderr" | tr '\n\t' '  ' | cut -c1-300)
        [[ -n $msg ]] || msg=$(head -c 300 "$out/one.stderr" | tr '\n\t' '  ')
        printf '%s\t%s\t%s\n' "${file#"$corpus/"}" "$frc" "$msg" >>"$out/$kind.isolated.tsv"
      fi
    done < <(find "$dir" -type f -print0 | LC_ALL=C sort -z)
    rm -f "$out/one.stderr"
  fi
done

# pdffonts: one line per PDF: file, pdffonts exit code, any non-embedded non-Type 3 font (1/0),
# their names, the first line pdffonts wrote on stderr.
if [[ $reuse == 1 ]]; then
  :
elif [[ $pdffonts == 1 && -d $corpus/pdf && ",$kinds," == *,pdf,* ]]; then
  if command -v pdffonts >/dev/null; then
    echo "running pdffonts…" >&2
    find "$corpus/pdf" -type f -iname '*.pdf' -print0 | LC_ALL=C sort -z |
      xargs -0 -n 16 -P "$(nproc)" python3 -c '
import subprocess, sys
for path in sys.argv[1:]:
    try:
        p = subprocess.run(["pdffonts", path], capture_output=True, timeout=60)
        rc, out = p.returncode, p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace").splitlines()
        note = (err[0] if err else "").replace("\t", " ")[:160]
    except subprocess.TimeoutExpired:
        rc, out, note = 124, "", "timed out after 60 s"
    lines = out.splitlines()
    names, bad = [], 0
    if rc == 0 and len(lines) >= 2:
        # Columns follow the dashes line: name type encoding emb sub uni object ID.
        widths = [len(d) for d in lines[1].split(" ")]
        for row in lines[2:]:
            cols, pos = [], 0
            for w in widths:
                cols.append(row[pos:pos + w].strip())
                pos += w + 1
            if len(cols) >= 4 and cols[1] != "Type 3" and cols[3] == "no":
                bad = 1
                names.append(cols[0] or "?")
    # One write per line, flushed: the parallel workers share the output file.
    sys.stdout.write("%s\t%d\t%d\t%s\t%s\n" % (path, rc, bad, ",".join(sorted(set(names)))[:200].replace("\t", " "), note))
    sys.stdout.flush()
' >"$out/pdffonts.tsv"
  else
    echo "pdffonts is not installed (poppler-utils): skipping the font comparison" >&2
    rm -f "$out/pdffonts.tsv"
  fi
else
  rm -f "$out/pdffonts.tsv"
fi

python3 - "$corpus" "$out" "$bin" <<'PY' | tee "$out/report.md"
import collections, json, os, struct, sys
corpus, out, binary = sys.argv[1:4]

def image_size(path):
    """Width x height from the header of a PNG, JPEG, GIF, WebP or BMP; None otherwise."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
                return struct.unpack(">II", head[16:24])
            if head[:6] in (b"GIF87a", b"GIF89a"):
                return struct.unpack("<HH", head[6:10])
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                chunk = head[12:16]
                if chunk == b"VP8 ":
                    w, h = struct.unpack("<HH", head[26:30])
                    return w & 0x3FFF, h & 0x3FFF
                if chunk == b"VP8L":
                    b = head[21:25]
                    w = 1 + (((b[1] & 0x3F) << 8) | b[0])
                    h = 1 + (((b[3] & 0xF) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
                    return w, h
                if chunk == b"VP8X":
                    w = 1 + int.from_bytes(head[24:27], "little")
                    h = 1 + int.from_bytes(head[27:30], "little")
                    return w, h
            if head[:2] == b"BM" and len(head) >= 26:
                w, h = struct.unpack("<ii", head[18:26])
                return abs(w), abs(h)
            if head[:2] == b"\xff\xd8":
                f.seek(2)
                while True:
                    b = f.read(1)
                    while b and b != b"\xff":
                        b = f.read(1)
                    while b == b"\xff":
                        b = f.read(1)
                    if not b:
                        return None
                    marker = b[0]
                    if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                        continue
                    seg = f.read(2)
                    if len(seg) < 2:
                        return None
                    length = struct.unpack(">H", seg)[0]
                    if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                        data = f.read(5)
                        if len(data) < 5:
                            return None
                        h, w = struct.unpack(">HH", data[1:5])
                        return w, h
                    f.seek(length - 2, 1)
    except OSError:
        return None
    return None

runs = {}
for line in open(os.path.join(out, "runs.tsv")):
    kind, rc, start, end = line.rstrip("\n").split("\t")
    runs[kind] = (int(rc), float(end) - float(start))

ok = True
rows, by_rule, internal, notes = [], collections.defaultdict(collections.Counter), [], []
reports = {}
for kind, (rc, wall) in runs.items():
    files, size = [], 0
    for root, _, names in os.walk(os.path.join(corpus, kind)):
        for n in names:
            p = os.path.join(root, n)
            files.append(p)
            size += os.path.getsize(p)
    stderr = open(os.path.join(out, kind + ".stderr"), errors="replace").read()
    cpu, peak = None, None
    tf = os.path.join(out, kind + ".time")
    if os.path.exists(tf):
        parts = open(tf).read().split()
        try:
            cpu, peak = float(parts[-3]) + float(parts[-2]), int(parts[-1]) / 1024
        except (ValueError, IndexError):
            pass
    panics = stderr.count("panicked at")
    try:
        report = json.load(open(os.path.join(out, kind + ".json")))
        checked = report["summary"]["files"]
        findings = report["findings"]
        parsed = True
    except (ValueError, KeyError, OSError):
        report, checked, findings, parsed = None, None, [], False
    for f in findings:
        # Paths are reported relative to the current folder when they are inside it.
        f["path"] = os.path.abspath(f.get("path") or "?")
    reports[kind] = report
    errors = sum(1 for f in findings if f.get("severity") == "error")
    warnings = sum(1 for f in findings if f.get("severity") == "warning")
    ie = [f for f in findings if f.get("rule") == "lint/internal-error"]
    internal += [(kind, f) for f in ie]
    for f in findings:
        by_rule[f.get("rule")][kind] += 1
    flagged = {f.get("path") for f in findings}
    # Megapixels of the images brandpress decoded (not those it reports unreadable, unsupported
    # or too large, whose headers may claim any size).
    mpx = 0.0
    if kind == "image":
        undecoded = {f["path"] for f in findings
                     if f.get("rule") in ("image/unreadable", "image/too-large", "lint/unsupported-file",
                                          "lint/unknown-kind", "lint/internal-error")}
        for p in files:
            wh = image_size(p) if p not in undecoded else None
            if wh:
                mpx += wh[0] * wh[1] / 1e6
    silent = len([p for p in files if p not in flagged])
    complete = parsed and checked == len(files) and rc in (0, 1)
    if not complete or ie or panics:
        ok = False
    def rate(x):
        return "%.1f" % (x / wall) if wall > 0 else "–"
    rows.append([kind, len(files), "%.1f" % (size / 1e6), "%.1f" % mpx if kind == "image" else "",
                 "%.2f" % wall, rate(len(files)), rate(size / 1e6),
                 rate(mpx) if kind == "image" else "",
                 "%.2f" % cpu if cpu is not None else "–",
                 "%.0f" % peak if peak is not None else "–", rc, checked if checked is not None else "no JSON",
                 errors, warnings, len(ie), panics, silent])
    iso = os.path.join(out, kind + ".isolated.tsv")
    if os.path.exists(iso):
        for line in open(iso):
            notes.append("- %s: `%s` exits %s: %s" % ((kind,) + tuple(line.rstrip("\n").split("\t"))))

print("# brandpress lint on the real-world corpus\n")
print("Binary `%s`, corpus `%s`.\n" % (binary, corpus))
print("| kind | files | MB | Mpx | wall s | files/s | MB/s | Mpx/s | CPU s | peak MB | exit | checked | errors | warnings | internal errors | panics | files with no finding |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| " + " | ".join(str(c) for c in r) + " |")
kinds = list(runs)
print("\n## Findings by rule\n")
print("| rule | " + " | ".join(kinds) + " |")
print("|---|" + "---:|" * len(kinds))
for rule in sorted(by_rule):
    print("| `%s` | " % rule + " | ".join(str(by_rule[rule][k]) for k in kinds) + " |")
if internal:
    print("\n## lint/internal-error\n")
    for kind, f in internal:
        print("- %s: `%s`: %s" % (kind, os.path.relpath(f.get("path", "?"), corpus), f.get("message", "")[:300]))
if notes:
    print("\n## Crashes (file by file)\n")
    print("\n".join(notes))

pf = os.path.join(out, "pdffonts.tsv")
if os.path.exists(pf) and reports.get("pdf"):
    # pdffonts lists the fonts of page resources and annotation appearances (and a font a /DA
    # names but nothing defines, as "[none]"), not those only in the form's default resources
    # (/AcroForm /DR): brandpress checks those too, so the comparable figure leaves them out.
    FORM_ONLY = ("(in the form's default resources",)
    ours_all, ours_pages = collections.defaultdict(set), collections.defaultdict(set)
    for f in reports["pdf"]["findings"]:
        if f.get("rule") == "pdf/font-not-embedded":
            msg = f.get("message", "")
            ours_all[f["path"]].add(f.get("found") or msg)
            if not any(m in msg for m in FORM_ONLY):
                ours_pages[f["path"]].add(f.get("found") or msg)
    unread = {f["path"] for f in reports["pdf"]["findings"]
              if f.get("rule") in ("pdf/unreadable", "pdf/encrypted", "lint/internal-error", "pdf/too-complex")}
    pdffonts_rows, pf_fail = [], []
    for line in open(pf):
        path, rc, bad, names, note = (line.rstrip("\n").split("\t") + [""])[:5]
        if rc != "0":
            pf_fail.append((path, rc, note))
        elif path not in unread:
            pdffonts_rows.append((path, bad == "1", names, note))

    def compare(ours):
        agree, alarms, misses = 0, [], []
        for path, bad, names, note in pdffonts_rows:
            mine = path in ours
            if mine == bad:
                agree += 1
            elif mine:
                alarms.append((path, "; ".join(sorted(ours[path]))[:160] + ("  [pdffonts: %s]" % note if note else "")))
            else:
                misses.append((path, names))
        return agree, alarms, misses

    print("\n## Non-embedded fonts: brandpress vs pdffonts\n")
    print("A PDF has a non-embedded font per pdffonts when a row other than Type 3 has `emb` = no;")
    print("per brandpress when it has a `pdf/font-not-embedded` finding. PDFs that pdffonts cannot")
    print("read, and those brandpress reports as unreadable, encrypted or too complex, are left out.")
    print("pdffonts does not list fonts found only in the form's default resources (`/AcroForm /DR`);")
    print("brandpress reports those too, so the first row leaves those findings out (the fonts")
    print("pdffonts can see), and the second counts them.\n")
    compared = len(pdffonts_rows)
    pdffonts_bad = sum(1 for r in pdffonts_rows if r[1])
    print("| brandpress findings counted | PDFs compared | pdffonts: non-embedded | brandpress: not embedded | agree | agreement | false alarms | misses |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    results = {}
    for label, ours in (("page fonts and appearances (as pdffonts)", ours_pages), ("all, with form-only fonts", ours_all)):
        agree, alarms, misses = compare(ours)
        results[label] = (alarms, misses)
        print("| %s | %d | %d | %d | %d | %.1f%% | %d | %d |" % (
            label, compared, pdffonts_bad, sum(1 for r in pdffonts_rows if r[0] in ours), agree,
            100.0 * agree / max(compared, 1), len(alarms), len(misses)))
    nolang = sum(1 for r in pdffonts_rows if "Missing language pack" in r[3])
    if nolang:
        print("**pdffonts lacks poppler-data** (\"Missing language pack\" on %d PDFs): it then lists no CJK"
              " font and those count as false alarms here. Install poppler-data for a fair comparison.\n" % nolang)
    print("\n%d PDFs in all; pdffonts failed on %d; %d left out as unreadable, encrypted or too complex for brandpress." % (
        sum(1 for _ in open(pf)), len(pf_fail), sum(1 for line in open(pf) if line.split("\t")[0] in unread)))
    alarms, misses = results["page fonts and appearances (as pdffonts)"]
    form_only = [a for a in results["all, with form-only fonts"][0] if a[0] not in ours_pages]
    for title, items in (("False alarms on page fonts (brandpress: not embedded; pdffonts: all embedded or none listed)", alarms),
                         ("Misses (pdffonts: not embedded; brandpress: nothing)", misses),
                         ("Form-only fonts brandpress reports and pdffonts does not list", form_only)):
        print("\n### %s: %d\n" % (title, len(items)))
        for path, detail in items:
            print("- `%s` — %s" % (os.path.relpath(path, corpus), detail))
    silent = [(p, rc, note) for p, rc, note in pf_fail if p not in unread]
    print("\n### pdffonts cannot read these; brandpress does not report them unreadable or encrypted: %d\n" % len(silent))
    for path, rc, note in silent:
        print("- `%s` (pdffonts exit %s: %s)" % (os.path.relpath(path, corpus), rc, note))
sys.exit(0 if ok else 1)
PY
