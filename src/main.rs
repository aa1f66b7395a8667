/// mimalloc, not the system allocator: see `Cargo.toml` for the figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    brandpress::cli::main()
}
