module github.com/libmigplan/migplan-go/examples

go 1.19

require github.com/libmigplan/migplan-go v0.0.0

// The binding from this source tree; drop this line to use a released version.
replace github.com/libmigplan/migplan-go => ../../bindings/go
