module zerodrop/lintfixture

go 1.19
