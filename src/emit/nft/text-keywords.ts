/**
 * Words nft 1.0.6's scanner (src/scanner.l, tag v1.0.6) turns into keywords. In the text
 * syntax a chain, set or map name is an unquoted identifier, and nft 1.0.6 has no quoted
 * form for it (`chain "fwd"` is a syntax error), so a name equal to one of these words
 * cannot be written as text (the JSON target has no such limit). Scoped keywords are
 * included too: rejecting a few names too many is safe.
 */
export const NFT_TEXT_KEYWORDS: ReadonlySet<string> = new Set([
  'a-rwnd', 'abort', 'accept', 'ackseq', 'add', 'addr', 'ah', 'all', 'and', 'arp', 'asconf', 'asconf-ack',
  'auto-merge', 'avgpkt', 'bridge', 'burst', 'bypass', 'bytes', 'cfi', 'cgroup', 'cgroupv2', 'chain', 'chains',
  'checksum', 'chunk', 'classid', 'code', 'comment', 'comp', 'constant', 'continue', 'cookie-ack',
  'cookie-echo', 'count', 'counter', 'counters', 'cpi', 'cpu', 'create', 'csumcov', 'ct', 'cum-tsn-ack', 'cwr',
  'daddr', 'data', 'day', 'dccp', 'define', 'dei', 'delete', 'describe', 'device', 'devices', 'direction',
  'dnat', 'doff', 'dport', 'drop', 'dscp', 'dst', 'dup', 'dynamic', 'echo', 'ecn', 'ecne', 'element',
  'elements', 'eol', 'eq', 'error', 'esp', 'ether', 'event', 'exists', 'expectation', 'expiration', 'expires',
  'export', 'exthdr', 'fanout', 'fastopen', 'fib', 'flags', 'flow', 'flowlabel', 'flowtable', 'flowtables',
  'flush', 'forward-tsn', 'frag', 'frag-off', 'fully-random', 'fwd', 'gateway', 'gc-interval', 'ge', 'get',
  'goto', 'group', 'gt', 'handle', 'hbh', 'hdrlength', 'heartbeat', 'heartbeat-ack', 'helper', 'helpers',
  'hlen', 'hook', 'hooks', 'hoplimit', 'hour', 'htype', 'ibriport', 'ibrname', 'icmp', 'icmpv6', 'icmpx', 'id',
  'igmp', 'iif', 'iifgroup', 'iifname', 'iiftype', 'import', 'in', 'inc', 'include', 'index', 'inet', 'init',
  'init-ack', 'init-tag', 'initial-tsn', 'insert', 'interval', 'ip', 'ip6', 'ipsec', 'jhash', 'json', 'jump',
  'l3proto', 'label', 'last-entry', 'le', 'left', 'length', 'level', 'limit', 'limits', 'list', 'll', 'log',
  'lowest-tsn', 'lshift', 'lsrr', 'lt', 'map', 'maps', 'mark', 'masquerade', 'max-delay', 'maxseg', 'md5sig',
  'memory', 'meta', 'meter', 'meters', 'mh', 'minute', 'missing', 'mod', 'monitor', 'more-fragments', 'mptcp',
  'mrt', 'mss', 'mtu', 'name', 'ne', 'netdev', 'new-cum-tsn', 'nexthdr', 'nexthop', 'nftrace', 'nh', 'noop',
  'nop', 'not', 'notrack', 'num', 'num-dup-tsns', 'num-gap-ack-blocks', 'num-inbound-streams',
  'num-outbound-streams', 'numgen', 'obriport', 'obrname', 'offload', 'offset', 'oif', 'oifgroup', 'oifname',
  'oiftype', 'operation', 'option', 'options', 'or', 'original', 'osf', 'out', 'over', 'packets',
  'param-problem', 'pcp', 'performance', 'persistent', 'pkttype', 'plen', 'policy', 'port', 'position', 'ppid',
  'prefix', 'priority', 'proto-dst', 'proto-src', 'protocol', 'ptr', 'ptype', 'queue', 'queue-threshold',
  'quota', 'quotas', 'ra', 'random', 'rate', 'redefine', 'redirect', 'reject', 'rename', 'replace', 'reply',
  'reqid', 'reserved', 'reserved2', 'reset', 'return', 'right', 'rr', 'rshift', 'rt', 'rt0', 'rt2',
  'rtclassid', 'rule', 'rules', 'ruleset', 'sack', 'sack-perm', 'sack-permitted', 'sack0', 'sack1', 'sack2',
  'sack3', 'saddr', 'sctp', 'secmark', 'secmarks', 'second', 'seed', 'seg-left', 'seqno', 'sequence', 'set',
  'sets', 'shutdown', 'shutdown-ack', 'shutdown-complete', 'sid', 'size', 'skgid', 'skuid', 'snaplen', 'snat',
  'socket', 'spi', 'spnum', 'sport', 'srh', 'ssn', 'ssrr', 'state', 'status', 'stream', 'subtype', 'symhash',
  'synproxy', 'synproxys', 'table', 'tables', 'tag', 'tcp', 'th', 'time', 'timeout', 'timestamp', 'to',
  'tproxy', 'trace', 'transparent', 'tsecr', 'tsn', 'tsval', 'ttl', 'type', 'typeof', 'udp', 'udplite',
  'undefine', 'until', 'update', 'urgptr', 'used', 'value', 'version', 'vlan', 'vm', 'vmap', 'vtag', 'week',
  'wildcard', 'window', 'with', 'wscale', 'xml', 'xor', 'xt', 'zone'
]);
