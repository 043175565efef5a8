$ pipe serve --directory .orders
pipe is serving http://127.0.0.1:8080 (data in .orders)

$ curl -s http://127.0.0.1:8080/health/ready
{"status":"ready", ...}
