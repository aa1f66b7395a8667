#!/usr/bin/env bash
# Assemble the real-world lint corpus of issue 11 from public test suites, at pinned commits.
#
#   scripts/fetch-real-world.sh [--from MIRRORS] [--dest DIR] [--only KIND,...] [--list]
#
# Lays the files out by kind under DIR (default: $BRANDPRESS_REAL_WORLD, else target/real-world):
#
#   DIR/email/<owner>+<name>/…     email HTML (caniemail tests, Mailchimp, Postmark, SendGrid, Lee Munroe)
#   DIR/eml/<owner>+<name>/…       .eml messages (mail-parser's fixtures)
#   DIR/pdf/<owner>+<name>/…       PDFs (pdf.js, veraPDF-corpus, qpdf's qtest)
#   DIR/image/<owner>+<name>/…     PngSuite, JPEG decoder test files, image-rs test images, MDN photos
#   DIR/web/<owner>+<name>/…       MDN learning-area pages, h5bp, the Zola theme Hyde, html5lib encoding tests
#   DIR/markdown/<owner>+<name>/…  CommonMark spec examples (one file per example), Hyde's content
#
# and writes DIR/MANIFEST.tsv (kind, file, repository, commit, path in the repository).
#
# Each repository is fetched once, at the commit pinned below, with a shallow `git fetch` from
# github.com into DIR/.git-cache/ (about 1 GB in all, mostly pdf.js and veraPDF). `--from MIRRORS`
# takes them from local git directories instead, laid out MIRRORS/<owner>+<name>/ (a bare git
# dir, or one holding `repo/` or `repo/.git`), as brought by a snapshot service; no network then.
# The script needs git, tar and python3 (to split spec.txt and the html5lib .dat files).
# Licenses: see tests/fixtures/real-world/README.md. The corpus is for local runs only: do not
# commit it (target/ is ignored).
set -euo pipefail

# kind | repository | commit | path in the repository | files to keep (extended regex on the path)
# Special "files to keep" values: @commonmark-spec splits spec.txt into one .md per example;
# @html5lib-dat splits html5lib .dat files into one .html per #data section (raw bytes kept).
SOURCES='
email|hteumeuleu/caniemail|6b086a3483a92078ba5226626e13db6f0a95a113|tests|\.(html?|css)$
email|mailchimp/email-blueprints|4d4daa85a8107baf128b88dd3baaf16137befb8e|.|\.(html?|css)$
email|ActiveCampaign/postmark-templates|fa73527acb4eb59cf673a54572d213e908f1515c|templates-inlined|\.(html?|css)$
email|sendgrid/email-templates|12f459a7848761c7dba024a5431c0ce468aca82d|.|\.(html?|css)$
email|leemunroe/responsive-html-email-template|60b5b6ddf9600e4b7d7e1ef60e5a3a8f1e56e186|.|\.(html?|css)$
eml|stalwartlabs/mail-parser|339a4306d3bd60bbfeae8f5de0e8f29c17d665a1|resources/eml|\.eml$
pdf|mozilla/pdf.js|0f26334f9d6f96119f6e5164fb65832fbbde7344|test/pdfs|\.pdf$
pdf|veraPDF/veraPDF-corpus|910b2ca7aa6870375e2b6834c58a0d4b90a7dea6|.|\.pdf$
pdf|qpdf/qpdf|dfd251125cadb59fe04836f9197c3ef94f99cf55|qpdf/qtest|\.pdf$
image|image-rs/image-png|4f873e4a628c0e8dbb4204fb263697298f89eb01|tests/pngsuite|\.png$
image|image-rs/jpeg-decoder|eb2d7c0f6a2d0298aba7a7f8b9ca1440353e8f8c|tests|\.jpe?g$
image|libjpeg-turbo/libjpeg-turbo|8a99315babe7fe946bef539c125f26b9e6aad8ab|testimages|\.(jpg|png)$
image|image-rs/image|2c5368b8de2f76ae9d18bc0bcf2cd16c3164cefe|tests/images|\.(png|jpe?g|gif|webp|tiff?|bmp|ico)$
image|mdn/learning-area|ca1ff0bd06e12b96a6742ffdf040bb22966e5a5e|.|\.(jpe?g|png|gif|webp|svg)$
web|mdn/learning-area|ca1ff0bd06e12b96a6742ffdf040bb22966e5a5e|.|\.(html?|css)$
web|h5bp/html5-boilerplate|b7e31d67f4cf83e23d51f4decc73618bf8bd77ba|.|\.(html?|css)$
web|getzola/hyde|fe9cd5a2acc1118330824e3ae5f97e17a1010765|templates|\.(html?|css)$
web|html5lib/html5lib-tests|224991ec10db04f056a89eed8b0bd8695fd2950e|encoding|@html5lib-dat
markdown|commonmark/commonmark-spec|31c0ca2d294ea60ab4438004da410e2e590a46f2|spec.txt|@commonmark-spec
markdown|getzola/hyde|fe9cd5a2acc1118330824e3ae5f97e17a1010765|content|\.md$
'

usage() { sed -n '2,24s/^# \{0,1\}//p' "$0"; }

from='' only='' list=0
dest=${BRANDPRESS_REAL_WORLD:-target/real-world}
while [[ $# -gt 0 ]]; do
  case $1 in
  --from) from=${2:?--from needs a folder}; shift 2 ;;
  --dest) dest=${2:?--dest needs a folder}; shift 2 ;;
  --only) only=${2:?--only needs kinds, e.g. pdf,image}; shift 2 ;;
  --list) list=1; shift ;;
  -h | --help) usage; exit 0 ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $list == 1 ]]; then
  # The first four '|' separate the columns; the regex in the fifth may hold more.
  printf '%s\n' "$SOURCES" | sed '/^$/d' | awk -F'|' '{ keep = $0; for (i = 1; i <= 4; i++) sub(/^[^|]*\|/, "", keep); printf "%-9s %-42s %s  %-18s %s\n", $1, $2, substr($3, 1, 12), $4, keep }'
  exit 0
fi
for tool in git tar python3; do
  command -v "$tool" >/dev/null || { echo "fetch-real-world: needs $tool" >&2; exit 2; }
done
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
manifest=$dest/MANIFEST.tsv

# The git directory holding COMMIT of owner/name: a local mirror (--from) or a shallow fetch.
gitdir_for() {
  local repo=$1 commit=$2 key=${1/\//+} candidate
  if [[ -n $from ]]; then
    for candidate in "$from/$key" "$from/$key/repo/.git" "$from/$key/repo" "$from/$key.git"; do
      if [[ -d $candidate ]] && git --git-dir="$candidate" cat-file -e "$commit^{commit}" 2>/dev/null; then
        printf '%s\n' "$candidate"
        return 0
      fi
    done
    echo "fetch-real-world: $repo at $commit is not in $from (looked in $from/$key{,/repo,/repo/.git})" >&2
    return 1
  fi
  candidate=$dest/.git-cache/$key
  if ! git --git-dir="$candidate" cat-file -e "$commit^{commit}" 2>/dev/null; then
    mkdir -p "$candidate"
    git --git-dir="$candidate" init -q --bare
    echo "fetching $repo at $commit" >&2
    git --git-dir="$candidate" fetch -q --depth 1 --no-tags "https://github.com/$repo.git" "$commit" >&2
  fi
  printf '%s\n' "$candidate"
}

# Write the files of COMMIT under PATH whose path matches KEEP (a Python regex; '' keeps all)
# into TARGET, at their paths in the repository. Blobs missing from a partial local mirror are
# skipped with a warning. Prints the number of files written.
extract() {
  python3 - "$@" <<'PY'
import os, re, subprocess, sys
gitdir, commit, path, keep, target = sys.argv[1:6]
keep = re.compile(keep) if keep else None
listing = subprocess.run(["git", "--git-dir=" + gitdir, "ls-tree", "-r", "-z", commit, "--", path],
                         check=True, capture_output=True).stdout
entries = []
for rec in listing.split(b"\0"):
    if not rec:
        continue
    meta, name = rec.split(b"\t", 1)
    mode, kind, oid = meta.split()
    name = name.decode("utf-8", "surrogateescape")
    if kind != b"blob" or mode == b"120000" or (keep and not keep.search(name)):
        continue
    entries.append((oid, name))
cat = subprocess.Popen(["git", "--git-dir=" + gitdir, "cat-file", "--batch"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
written, missing = 0, []
for oid, name in entries:
    cat.stdin.write(oid + b"\n")
    cat.stdin.flush()
    header = cat.stdout.readline().split()
    if len(header) < 2 or header[1] == b"missing":
        missing.append(name)
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)
    out = os.path.join(target, name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    written += 1
cat.stdin.close()
cat.wait()
if missing:
    print("fetch-real-world: %d file(s) of %s are missing from %s, skipped (first: %s)"
          % (len(missing), path, gitdir, missing[0]), file=sys.stderr)
print(written)
PY
}

# Split the CommonMark spec into one Markdown file per example (example-NNN.md, numbered as
# the spec numbers them; the spec writes tabs as →).
split_commonmark() {
  python3 - "$1" "$2" <<'PY'
import os, sys
spec, out = sys.argv[1], sys.argv[2]
fence = "`" * 32
n, inside, part, buf = 0, False, 0, []
for line in open(spec, encoding="utf-8").read().split("\n"):
    if not inside and line.startswith(fence + " example"):
        inside, part, buf = True, 0, []
    elif inside and line == fence:
        inside = False
        n += 1
        with open(os.path.join(out, "example-%03d.md" % n), "w", encoding="utf-8", newline="") as f:
            f.write("".join(buf).replace("\u2192", "\t"))
    elif inside and part == 0 and line == ".":
        part = 1
    elif inside and part == 0:
        buf.append(line + "\n")
print(n)
PY
}

# Split html5lib .dat files into one HTML file per #data section (raw bytes: these test charsets).
split_html5lib_dat() {
  python3 - "$1" "$2" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
count = 0
for root, _, files in os.walk(src):
    for name in sorted(files):
        if not name.endswith(".dat"):
            continue
        rel = os.path.relpath(os.path.join(root, name), src)
        stem = rel[:-4].replace(os.sep, "-")
        data, cur, section = [], None, None
        for line in open(os.path.join(root, name), "rb").read().split(b"\n"):
            if line.startswith(b"#"):
                if line == b"#data":
                    if cur is not None:
                        data.append(cur)
                    cur = []
                section = line
            elif section == b"#data" and cur is not None:
                cur.append(line)
        if cur is not None:
            data.append(cur)
        for i, lines in enumerate(data, 1):
            with open(os.path.join(out, "%s-%03d.html" % (stem, i)), "wb") as f:
                f.write(b"\n".join(lines) + b"\n")
            count += 1
print(count)
PY
}

: >"$manifest.part"
printf '%s\n' "$SOURCES" | sed '/^$/d' | while IFS='|' read -r kind repo commit path keep; do
  if [[ -n $only && ",$only," != *",$kind,"* ]]; then continue; fi
  key=${repo/\//+}
  if [[ $commit == 0000000000000000000000000000000000000000 ]]; then
    echo "fetch-real-world: no commit pinned for $repo" >&2
    exit 1
  fi
  gitdir=$(gitdir_for "$repo" "$commit")
  target=$dest/$kind/$key
  tmp=$dest/.tmp-$kind-$key
  rm -rf "$target" "$tmp"
  mkdir -p "$target" "$tmp"
  case $keep in
  @commonmark-spec)
    extract "$gitdir" "$commit" "$path" '' "$tmp" >/dev/null
    n=$(split_commonmark "$tmp/$path" "$target")
    ;;
  @html5lib-dat)
    extract "$gitdir" "$commit" "$path" '\.dat$' "$tmp" >/dev/null
    n=$(split_html5lib_dat "$tmp/$path" "$target")
    ;;
  *) n=$(extract "$gitdir" "$commit" "$path" "$keep" "$dest/$kind/$key") ;;
  esac
  rm -rf "$tmp"
  (cd "$dest" && find "$kind/$key" -type f | LC_ALL=C sort) |
    while IFS= read -r file; do
      source=${file#"$kind/$key/"}
      [[ $keep == @* ]] && source="$path (split: $source)"
      printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$file" "$repo" "$commit" "$source"
    done >>"$manifest.part"
  printf '%-9s %-45s %5s files\n' "$kind" "$repo" "$n" >&2
done
# With --only, keep the manifest's lines for the other kinds.
if [[ -n $only && -f $manifest ]]; then
  awk -F'\t' -v only=",$only," 'index(only, "," $1 ",") == 0' "$manifest" >>"$manifest.part"
fi
LC_ALL=C sort -o "$manifest" "$manifest.part"
rm -f "$manifest.part"
echo "corpus in $dest: $(wc -l <"$manifest") files ($(du -sh --exclude=.git-cache "$dest" | cut -f1))" >&2
