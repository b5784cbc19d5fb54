module github.com/libmigplan/migplan-go

go 1.19
