# Read by gunicorn from the working directory (the project's root) on every start, `make run` and
# production alike. The access log's first field is the client's address as thidua.net.client_ip
# resolved it (behind THIDUA_TRUSTED_PROXIES, the officer's own address, not the proxy's); the
# connection's peer (the proxy) follows it. A request the app never saw logs "-" first.
access_log_format = (
    '%({thidua_client_ip}e)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)
