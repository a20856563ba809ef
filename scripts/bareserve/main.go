// Command bareserve answers every request with one file's bytes through
// Go's net/http and nothing else: no router, no middleware. make bench runs
// it next to nginx and the platform to show what net/http itself costs per
// request on the machine, the ceiling for any Go handler.
//
//	go run ./scripts/bareserve -addr 127.0.0.1:18083 -file lesson.html
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18083", "address to listen on")
	file := flag.String("file", "", "the file to serve")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	length := []string{strconv.Itoa(len(body))}
	contentType := []string{"text/html; charset=utf-8"}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = contentType
		h["Content-Length"] = length
		w.Write(body) //nolint:errcheck // a client that went away reads nothing
	})))
}
