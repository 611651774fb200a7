module zerodrop/go-app

go 1.19
