"""``atlas serve --share``: the addresses phones on the same network (the laptop's hotspot, the
office Wi-Fi) open the app on, and the meeting code read-only guests sign in with.

Examples
--------
>>> usable("192.168.43.10"), usable("127.0.0.1"), usable("169.254.3.4"), usable("fe80::1")
(True, False, False, False)
>>> len(new_meeting_code()), new_meeting_code().isdigit()
(6, True)
"""

from __future__ import annotations

import ipaddress
import secrets

import ifaddr

__all__ = ["MIN_CODE", "lan_addresses", "new_meeting_code", "usable"]

#: The shortest meeting code accepted.
MIN_CODE = 4


def usable(address: str) -> bool:
    """True for an IPv4 address another device on the network can reach (not loopback, not
    link-local, not unspecified)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks, private ones (a hotspot, Wi-Fi) first."""
    found = {
        str(ip.ip)
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if isinstance(ip.ip, str) and usable(ip.ip)
    }
    return sorted(found, key=lambda a: (not ipaddress.ip_address(a).is_private, a))


def new_meeting_code() -> str:
    """A random six-digit code, easy to read out in a room and to type on a phone."""
    return f"{secrets.randbelow(10**6):06d}"
