package web

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes of the JSON API, in the "code" member of an error response.
const (
	CodeBadRequest       = "bad_request"        // a parameter is malformed or out of range; the message names it
	CodeNotFound         = "not_found"          // the route or the resource does not exist
	CodeMethodNotAllowed = "method_not_allowed" // the API is read-only: use GET
	CodeUnavailable      = "unavailable"        // a dependency (the store) cannot serve now; retry later
	CodeInternal         = "internal"           // a server fault; the server log has the detail
)

// Error is an API error with its HTTP status. Handlers return it; the server writes it as
// {"error":{"code":Code,"message":Message}}. Message is for people: it names the parameter at
// fault and says what to send instead.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

var errInternal = &Error{Status: http.StatusInternalServerError, Code: CodeInternal,
	Message: "internal error; the server log has the detail"}

// badRequest returns a 400 error whose message is built from format and args.
func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON form of an error response.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError writes e as a JSON error response.
func writeError(w http.ResponseWriter, e *Error) {
	var b errorBody
	b.Error.Code, b.Error.Message = e.Code, e.Message
	if e.Status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, HEAD")
	}
	writeJSON(w, e.Status, "application/json", b)
}

// writeJSON writes v as JSON with the given status and content type.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only unsupported values (NaN) fail; the encoders below never produce them.
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"response encoding failed"}}`)
		contentType = "application/json"
	}
	h := w.Header()
	h.Set("Content-Type", contentType+"; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte{'\n'})
}
