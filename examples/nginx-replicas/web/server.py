# Answers every GET with the container's hostname, so one can see which replica served it.
import http.server
import socket


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"served by {socket.gethostname()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
