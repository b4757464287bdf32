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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-16a4c952e5a4f390 calpol-do-361224c51ce8b06d calpol-do-9d9da5c2e10eee65 calpol-do-b7ad8839100efdc6 cp-forward cp-from-wl cp-fw-08de4f2f213e927358b08b cp-fw-1331405a9ef5ec985431d4 cp-input cp-output cp-pi-np-produc-1f1ebd9cc4a2 cp-po-np-produc-1f1ebd9cc4a2 cp-pri-kns.prod-beda67c81b93 cp-pro-kns.prod-beda67c81b93 cp-to-wl cp-tw-69cb0d80e3321b8d908416 cp-tw-8bafd58b4338ca7f208852 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-16a4c952e5a4f390 calpol-do-361224c51ce8b06d calpol-do-9d9da5c2e10eee65 calpol-do-b7ad8839100efdc6 cp-forward cp-from-wl cp-fw-08de4f2f213e927358b08b cp-fw-1331405a9ef5ec985431d4 cp-input cp-output cp-pi-np-produc-1f1ebd9cc4a2 cp-po-np-produc-1f1ebd9cc4a2 cp-pri-kns.prod-beda67c81b93 cp-pro-kns.prod-beda67c81b93 cp-to-wl cp-tw-69cb0d80e3321b8d908416 cp-tw-8bafd58b4338ca7f208852 cp-wl-to-host
ipset destroy cp4s-ab570f64aed70659b35885dea4 2>/dev/null || true
ipset destroy cp6s-f6d9f8f73cfd8728b9defc9913 2>/dev/null || true
