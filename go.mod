module accord

go 1.26.8
