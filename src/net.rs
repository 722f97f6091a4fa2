//! Which network addresses an outbound request to a user-supplied URL may reach. Notification
//! channels and other user-entered URLs must not become a way into the server's own network
//! (loopback, private ranges, cloud metadata at 169.254.169.254, ...): only public unicast
//! addresses are reachable, plus the `host:port` pairs an operator allows explicitly.

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address may not be reached, or `None` when it is a public unicast address.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("an unspecified address (0.0.0.0/8)")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address (RFC 1918)")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_link_local() {
        Some("a link-local address (169.254.0.0/16, cloud metadata)")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if ip.is_broadcast() || a >= 240 {
        Some("a reserved address (240.0.0.0/4)")
    } else if (a, b, c) == (192, 0, 0) {
        Some("an IETF protocol address (192.0.0.0/24)")
    } else if ip.is_documentation() {
        Some("a documentation address")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("a benchmarking address (198.18.0.0/15)")
    } else {
        None
    }
}

/// The network a client is counted as for rate limits: an IPv4 address itself (an IPv4-mapped
/// IPv6 address as its IPv4 address), an IPv6 address as its /64, since one subscriber usually
/// holds a whole /64 and could otherwise take a fresh address for every request.
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    // IPv4 carried in IPv6 is judged as the IPv4 address it carries.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4).map(|_| "an IPv4-mapped IPv6 address of a non-public IPv4 address");
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        return forbidden_v4(v4).map(|_| "a NAT64 address of a non-public IPv4 address");
    }
    if ip.is_unspecified() {
        Some("the unspecified address (::)")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if seg[..6] == [0; 6] {
        Some("an IPv4-compatible IPv6 address (deprecated)")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if seg[0] & 0xfe00 == 0xfc00 {
        Some("a unique local address (fc00::/7)")
    } else if seg[0] & 0xffc0 == 0xfe80 {
        Some("a link-local address (fe80::/10)")
    } else if seg[0] & 0xffc0 == 0xfec0 {
        Some("a site-local address (fec0::/10)")
    } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
        Some("a documentation address (2001:db8::/32)")
    } else if seg[0] == 0x2001 && seg[1] == 0 {
        // Teredo hides an IPv4 server and (inverted) client address; no receiver needs it.
        Some("a Teredo tunnel address (2001::/32)")
    } else if seg[0] == 0x2001 && seg[1] == 0x0002 && seg[2] == 0 {
        Some("a benchmarking address (2001:2::/48)")
    } else if seg[0] == 0x2001 && seg[1] & 0xfff0 == 0x0010 {
        Some("an ORCHID address (2001:10::/28)")
    } else if seg[0] == 0x2002 {
        // 6to4 carries an IPv4 address in the next 32 bits.
        let v4 = Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        );
        forbidden_v4(v4).map(|_| "a 6to4 address of a non-public IPv4 address")
    } else if seg[0] & 0xe000 != 0x2000 {
        Some("an address outside global unicast (2000::/3)")
    } else {
        None
    }
}

/// A `host:port` an operator lets outbound requests reach although it is not public (a local
/// receiver in tests, an on-premise chat server).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AllowedTarget {
    /// Lower case; IPv6 without brackets.
    pub host: String,
    pub port: u16,
}

impl fmt::Display for AllowedTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The allowed targets, from a comma-separated list such as `127.0.0.1:9000, chat.local:443, [::1]:80`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(BTreeSet<AllowedTarget>);

impl AllowList {
    pub fn parse(text: &str) -> Result<AllowList, String> {
        let mut set = BTreeSet::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (host, port) = if let Some(rest) = item.strip_prefix('[') {
                let (host, port) = rest
                    .split_once("]:")
                    .ok_or_else(|| format!("'{item}': expected [ipv6]:port"))?;
                (host, port)
            } else {
                item.rsplit_once(':')
                    .ok_or_else(|| format!("'{item}': expected host:port"))?
            };
            if host.is_empty() || host.contains(['/', ' ', '@']) {
                return Err(format!("'{item}': not a host name or address"));
            }
            let port: u16 = port
                .parse()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("'{item}': the port must be a number from 1 to 65535"))?;
            set.insert(AllowedTarget {
                host: normalize_host(host),
                port,
            });
        }
        Ok(AllowList(set))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `host:port` is allowed as it is (the host as in the URL; brackets optional).
    pub fn allows(&self, host: &str, port: u16) -> bool {
        self.0.contains(&AllowedTarget {
            host: normalize_host(host),
            port,
        })
    }

    /// Whether the host is named with any port.
    pub fn names_host(&self, host: &str) -> bool {
        let host = normalize_host(host);
        self.0.iter().any(|t| t.host == host)
    }

    pub fn targets(&self) -> impl Iterator<Item = &AllowedTarget> {
        self.0.iter()
    }
}

fn normalize_host(host: &str) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    // One spelling per address: `::ffff:7f00:1` and `::FFFF:127.0.0.1` are the same.
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => host.trim_end_matches('.').to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> Option<&'static str> {
        forbidden_reason(s.parse().expect("an address"))
    }

    #[test]
    fn non_public_ipv4_is_refused() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
        ] {
            assert!(reason(ip).is_some(), "{ip} must be refused");
        }
    }

    #[test]
    fn public_ipv4_is_allowed() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "162.159.135.232",
            "100.128.0.1",
            "172.32.0.1",
            "198.20.0.1",
        ] {
            assert_eq!(reason(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn non_public_ipv6_is_refused_including_ipv4_inside_ipv6() {
        for ip in [
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "100::1",
            // Teredo: server 65.54.227.120, client 127.0.0.1 (inverted: 0x80ff:fffe).
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001::1",
            "2001:2::1",
            "2001:10::1",
        ] {
            assert!(reason(ip).is_some(), "{ip} must be refused");
        }
    }

    #[test]
    fn clients_are_counted_by_ipv4_address_or_ipv6_slash_64() {
        let net = |s: &str| client_network(s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))).to_string();
        assert_eq!(net("203.0.113.7"), "203.0.113.7");
        assert_eq!(net("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(net("2a00:1450:4001:80b::200e"), "2a00:1450:4001:80b::");
        assert_eq!(
            net("2a00:1450:4001:80b:1:2:3:4"),
            net("2a00:1450:4001:80b:ffff::1"),
            "one /64, one bucket"
        );
        assert_ne!(net("2a00:1450:4001:80b::1"), net("2a00:1450:4001:80c::1"));
    }

    #[test]
    fn public_ipv6_is_allowed() {
        for ip in [
            "2606:4700::6810:84e5",
            "2a00:1450:4001:80b::200e",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(reason(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn allow_list_parses_hosts_ports_and_ipv6() {
        let list = AllowList::parse(" 127.0.0.1:9000, Chat.Local.:443 ,[::1]:80,").expect("valid");
        assert!(list.allows("127.0.0.1", 9000));
        assert!(!list.allows("127.0.0.1", 9001));
        assert!(list.allows("chat.local", 443));
        assert!(list.allows("[::1]", 80));
        assert!(list.allows("::1", 80));
        assert!(list.names_host("CHAT.local"));
        assert!(!list.names_host("10.0.0.1"));
        assert_eq!(list.targets().count(), 3);
        assert!(AllowList::parse("").expect("empty").is_empty());
    }

    #[test]
    fn allow_list_refuses_malformed_items_naming_them() {
        for bad in [
            "localhost",
            "127.0.0.1:0",
            "127.0.0.1:70000",
            "[::1]80",
            "http://x:80",
            ":80",
        ] {
            let e = AllowList::parse(bad).expect_err(bad);
            assert!(
                e.contains(bad.trim_end_matches(':')) || e.contains('\''),
                "{bad}: {e}"
            );
        }
    }
}
