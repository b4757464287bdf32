#!/bin/sh
# calpol: IPTABLES / IP6TABLES choose the variant (e.g. iptables-nft, iptables-legacy).
set -eu
ipt4="${IPTABLES:-iptables}"
ipt6="${IP6TABLES:-ip6tables}"
# calpol: removes what the attach script and the restore files added (the jumps, the chains, the sets).
detach() {
  while "$1" -w -t "$2" -D "$3" -m comment --comment calpol -j "$4" 2>/dev/null; do :; done
}
remove() {
  ipt=$1 table=$2
  shift 2
  existing=" $("$ipt-save" -t "$table" 2>/dev/null | sed -n 's/^:\([^ ]*\) .*/\1/p' | tr '\n' ' ') "
  flush="" delete=""
  for chain in "$@"; do
    case "$existing" in *" $chain "*) flush="$flush-F $chain
" delete="$delete-X $chain
" ;; esac
  done
  [ -n "$flush" ] || return 0
  printf '*%s\n%s%sCOMMIT\n' "$table" "$flush" "$delete" | "$ipt-restore" --noflush
}
detach "$ipt4" filter INPUT calpol-INPUT
detach "$ipt4" filter FORWARD calpol-FORWARD
detach "$ipt4" filter OUTPUT calpol-OUTPUT
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1dee74100410b1d0 cp-forward cp-from-wl cp-fw-954595a4c94a10d7da451d cp-input cp-output cp-pri-kns.shop-21a157de5335 cp-pro-kns.shop-21a157de5335 cp-to-wl cp-tw-759d516fa3a90c2e8e9be2 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1dee74100410b1d0 cp-forward cp-from-wl cp-fw-954595a4c94a10d7da451d cp-input cp-output cp-pri-kns.shop-21a157de5335 cp-pro-kns.shop-21a157de5335 cp-to-wl cp-tw-759d516fa3a90c2e8e9be2 cp-wl-to-host
