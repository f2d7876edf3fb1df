module vigil.local/scanner/native/connect-scan

go 1.21
