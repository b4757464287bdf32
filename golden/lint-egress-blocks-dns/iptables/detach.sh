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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1dee74100410b1d0 calpol-do-48e5bc89166195ee calpol-do-91415f9189230afb cp-forward cp-from-wl cp-fw-4a41301ca43df9b2b69c5f cp-fw-8649ab62da19425c497cf3 cp-input cp-output cp-po-knp-shop-defaul-596d39 cp-pri-kns.kube-syste-7d2c0a cp-pri-kns.shop-21a157 cp-pro-kns.kube-syste-7d2c0a cp-pro-kns.shop-21a157 cp-to-wl cp-tw-cf0fc386f0013cc5041234 cp-tw-f9072ab944c9a94098e076 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1dee74100410b1d0 calpol-do-48e5bc89166195ee calpol-do-91415f9189230afb cp-forward cp-from-wl cp-fw-4a41301ca43df9b2b69c5f cp-fw-8649ab62da19425c497cf3 cp-input cp-output cp-po-knp-shop-defaul-596d39 cp-pri-kns.kube-syste-7d2c0a cp-pri-kns.shop-21a157 cp-pro-kns.kube-syste-7d2c0a cp-pro-kns.shop-21a157 cp-to-wl cp-tw-cf0fc386f0013cc5041234 cp-tw-f9072ab944c9a94098e076 cp-wl-to-host
