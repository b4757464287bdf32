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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0704a1e48f699d6d calpol-do-15b38a16ded0f4b5 calpol-do-74bc7e8ab6bc29a5 calpol-do-7cad75ba29fc34d5 cp-failsafe-in cp-failsafe-out cp-fh-10aa336767ff8a8846e471 cp-fh-1f65d5c106ee57e5da6a7b cp-forward cp-from-hep cp-from-wl cp-input cp-output cp-pri-all.allo-aee3eaee5017 cp-pri-profile1-20f549a4ec12 cp-pri-profile2-a92d9ebad6b4 cp-pro-all.allo-aee3eaee5017 cp-th-28d9537d54d804cb320804 cp-th-ff90f89fb187c3199cde89 cp-to-hep cp-to-wl cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-0704a1e48f699d6d calpol-do-15b38a16ded0f4b5 calpol-do-74bc7e8ab6bc29a5 calpol-do-7cad75ba29fc34d5 cp-failsafe-in cp-failsafe-out cp-fh-10aa336767ff8a8846e471 cp-fh-1f65d5c106ee57e5da6a7b cp-forward cp-from-hep cp-from-wl cp-input cp-output cp-pri-all.allo-aee3eaee5017 cp-pri-profile1-20f549a4ec12 cp-pri-profile2-a92d9ebad6b4 cp-pro-all.allo-aee3eaee5017 cp-th-28d9537d54d804cb320804 cp-th-ff90f89fb187c3199cde89 cp-to-hep cp-to-wl cp-wl-to-host
ipset destroy cp4n-7f8ed667bd93d43c32c2a1caf6 2>/dev/null || true
ipset destroy cp4n-d347eb025c7b5949cbcb98d63b 2>/dev/null || true
ipset destroy cp6n-24436a6d73617a985013446089 2>/dev/null || true
ipset destroy cp6n-eaa1dd6f47689ca1631c60a544 2>/dev/null || true
