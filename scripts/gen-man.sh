#!/bin/sh
# gen-man.sh IG DIR: the man pages, from the same tables as --help (through
# help2man): ig(8) from "ig help", ig-daemon(8) from "ig daemon --help",
# and ig-GADGET(8) for every gadget "ig list-gadgets" names, so a new
# gadget gets its page without a list to edit.
set -eu
ig=$1 dir=$2
mkdir -p "$dir"
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" '+%B %Y')

# page NAME TITLE HELP-OPTION
page() {
	upper=$(echo "$1" | tr 'a-z' 'A-Z')
	help2man -N --section=8 --no-discard-stderr --version-option=version \
		--help-option="$3" --name="$2" --manual="ig manual" "$ig" |
	sed -e "s/^\.TH IG \"8\" \"[^\"]*\"/.TH $upper \"8\" \"$date\"/" \
	    -e "/^\.SH NAME/{n;s/^ig \\\\-/$1 \\\\-/;}" >"$dir/$1.8.tmp"
	printf '.SH "SEE ALSO"\n\\fBig\\fR(8), \\fBig-daemon\\fR(8)\n' >>"$dir/$1.8.tmp"
	mv "$dir/$1.8.tmp" "$dir/$1.8"
}

page ig "trace what processes and containers do, with eBPF" help
page ig-daemon "run gadgets headless: export, metrics, traceloop" "daemon --help"
"$ig" list-gadgets | while read -r name desc; do
	page "ig-$name" "$desc" "run $name --help"
done
