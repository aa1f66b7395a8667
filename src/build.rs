//! `brandpress build`: every selected channel × every piece, rendered in parallel into
//! memory, then written into the output directory only if all of it succeeded.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::{self, Channel, Output, Rendered};

pub struct BuildOptions {
    pub out: PathBuf,
    pub channels: Vec<Channel>,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub pieces: usize,
    pub outputs: Vec<PathBuf>,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

impl BuildSummary {
    pub fn line(&self) -> String {
        format!(
            "built {} pieces: {} files in {:.2}s{}",
            self.pieces,
            self.outputs.len(),
            self.seconds,
            match self.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warnings"),
            }
        )
    }
}

/// Renders and writes. Nothing is written when any piece fails.
pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildSummary> {
    let started = Instant::now();
    let renderers = options
        .channels
        .iter()
        .map(|&c| render::renderer(c, project))
        .collect::<Result<Vec<_>>>()?;

    let mut jobs: Vec<(usize, Option<usize>)> = (0..renderers.len()).map(|r| (r, None)).collect();
    for (r, renderer) in renderers.iter().enumerate() {
        for (p, piece) in project.pieces.iter().enumerate() {
            if piece.publishes_to(renderer.channel()) {
                jobs.push((r, Some(p)));
            }
        }
    }
    let results: Vec<Result<Rendered>> = jobs
        .par_iter()
        .map(|&(r, p)| match p {
            None => renderers[r].assets(),
            Some(p) => renderers[r].render(&project.pieces[p]),
        })
        .collect();

    let mut outputs = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(rendered) => {
                outputs.extend(rendered.outputs);
                warnings.extend(rendered.warnings);
            }
            Err(e) => errors.push(e),
        }
    }
    Error::collect(errors)?;
    let written = write_outputs(&options.out, outputs)?;
    Ok(BuildSummary {
        pieces: project.pieces.len(),
        outputs: written,
        warnings,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes each file through a temporary sibling and a rename, so no reader ever sees a
/// half-written output. Paths must stay inside `out`.
pub fn write_outputs(out: &Path, outputs: Vec<Output>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(outputs.len());
    for output in &outputs {
        if output.path.is_absolute()
            || output
                .path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::usage(format!(
                "refusing to write {} outside the output directory",
                output.path.display()
            )));
        }
    }
    for output in outputs {
        let path = out.join(&output.path);
        let dir = path.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
        let tmp = path.with_extension(format!(
            "{}.tmp",
            path.extension().and_then(|e| e.to_str()).unwrap_or("")
        ));
        std::fs::write(&tmp, &output.bytes).map_err(|e| Error::file(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::file(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
