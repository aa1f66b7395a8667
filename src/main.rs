fn main() -> std::process::ExitCode {
    brandpress::cli::main()
}
