$ pipe serve --directory .orders
pipe is serving http://127.0.0.1:8080

$ # in another terminal: every store answers
$ curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8080/health/ready
200
