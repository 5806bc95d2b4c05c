"""Who is asking: the client as the submission limits and the login lockout
count it."""

import ipaddress


def client_address(request) -> str:
    """The connecting address. X-Forwarded-For is not trusted: anyone can send it.

    Behind a reverse proxy REMOTE_ADDR is the proxy's, so every visitor would
    share one limit. Have the proxy pass the visitor's address with the PROXY
    protocol (gunicorn --proxy-protocol --proxy-allow-from=<proxy address>).
    """
    return request.META.get("REMOTE_ADDR", "")


def client_network(address: str) -> str:
    """The network one client holds: an IPv4 address itself, and for IPv6 the
    first address of its /64, since one home or phone is given a whole /64
    and can pick a new address in it for every request."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)


def client_network_of(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: lock out per network too."""
    return client_network(client_address(request))
