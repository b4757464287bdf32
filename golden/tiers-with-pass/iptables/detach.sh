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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1775b7a8f8d4cdf7 calpol-do-1dee74100410b1d0 calpol-do-1e132c3d8ca5b2eb calpol-do-21b17b580c70e971 calpol-do-7d0bac719156662f calpol-do-e5ab0f2bb4106800 cp-forward cp-from-wl cp-fw-3d059b85797d3df80db1b5 cp-fw-fc0bf66ee8ab18d0b7f9d6 cp-input cp-output cp-pi-gnp-secur-387ec6e54eef cp-pi-knp-shop-d8b39ce79e04 cp-po-gnp-secur-387ec6e54eef cp-pri-kns.lab-c0790326f633 cp-pri-kns.shop-21a157de5335 cp-pro-kns.lab-c0790326f633 cp-pro-kns.shop-21a157de5335 cp-to-wl cp-tw-2a7c3e09f0e413faf79da6 cp-tw-7e783a1165d337fc7199a5 cp-tw-d95f5d3800bc348018354e cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0e11893d74335ea3 calpol-do-1775b7a8f8d4cdf7 calpol-do-1dee74100410b1d0 calpol-do-1e132c3d8ca5b2eb calpol-do-21b17b580c70e971 calpol-do-7d0bac719156662f calpol-do-e5ab0f2bb4106800 cp-forward cp-from-wl cp-fw-3d059b85797d3df80db1b5 cp-fw-fc0bf66ee8ab18d0b7f9d6 cp-input cp-output cp-pi-gnp-secur-387ec6e54eef cp-pi-knp-shop-d8b39ce79e04 cp-po-gnp-secur-387ec6e54eef cp-pri-kns.lab-c0790326f633 cp-pri-kns.shop-21a157de5335 cp-pro-kns.lab-c0790326f633 cp-pro-kns.shop-21a157de5335 cp-to-wl cp-tw-2a7c3e09f0e413faf79da6 cp-tw-7e783a1165d337fc7199a5 cp-tw-d95f5d3800bc348018354e cp-wl-to-host
ipset destroy cp4s-0cb15bf9291179b17ebe5d0729 2>/dev/null || true
ipset destroy cp4s-58e3cb5d11b76c434a84a7120d 2>/dev/null || true
ipset destroy cp6s-77dfb36c6521755593badad6c9 2>/dev/null || true
ipset destroy cp6s-c0dee2d8facc35d2c3a1aaf9c7 2>/dev/null || true
