// Package resource stands in for FerretDB 1.24's internal/util/resource in the launcher's build (build.sh builds
// against a copy of the FerretDB module with this file in place of the package's own; README "Resource tracking"). FerretDB tracks every iterator it opens with it: a pprof
// profile entry (a stack trace) and a finalizer that panics when an iterator was never closed, a leak detector for
// its own development that costs a sixth of its CPU on a list read (five documents a query, 60 a page). Here Track
// and Untrack do nothing; the API is the one FerretDB calls.
package resource

// Token is a field of a tracked object.
type Token byte

// NewToken returns a new Token.
func NewToken() *Token {
	return new(Token)
}

// Track does nothing: iterators are not tracked.
func Track(obj any, token *Token) {}

// Untrack does nothing, as Track.
func Untrack(obj any, token *Token) {}
