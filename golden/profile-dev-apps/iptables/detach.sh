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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-89ae8825548b392f calpol-do-89cde19bedfb3c9c cp-forward cp-from-wl cp-fw-f558ba50d9c6dca6289458 cp-input cp-output cp-pri-dev-apps-7a29ed0b592b cp-pro-dev-apps-7a29ed0b592b cp-to-wl cp-tw-cae4dd6bb7a321839f8396 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-89ae8825548b392f calpol-do-89cde19bedfb3c9c cp-forward cp-from-wl cp-fw-f558ba50d9c6dca6289458 cp-input cp-output cp-pri-dev-apps-7a29ed0b592b cp-pro-dev-apps-7a29ed0b592b cp-to-wl cp-tw-cae4dd6bb7a321839f8396 cp-wl-to-host
ipset destroy cp4s-cd5c1ee86c04133b932e295752 2>/dev/null || true
ipset destroy cp6s-5134676efda72af64c240fb920 2>/dev/null || true
