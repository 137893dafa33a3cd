//! The degradations, in the order light meets them: the page lies skewed, the optics soften
//! it, the sensor compresses its tonal range and adds noise, and dust sits on top.

use std::f32::consts::TAU;

use super::{Gray, WHITE, to_usize};
use crate::rng::Rng;

/// How much damage to do. The default looks like an ordinary office scan at 300 dpi.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanOptions {
    /// Same seed, same noise and dust: a failing OCR case can be regenerated exactly.
    pub seed: u64,
    /// Skew; positive turns the content counter-clockwise as seen on screen. Feeders skew by
    /// up to a couple of degrees, and that already defeats readers that assume level rows.
    pub rotation_degrees: f32,
    /// Standard deviation of the sensor noise, in grey levels (0 turns it off).
    pub noise: f32,
    /// Share of pixels replaced by a dark or light speck (0.0005 = 5 per 10 000).
    pub speckles: f32,
    /// A 3x3 soften, as a scanner's optics do; it is what merges thin glyphs.
    pub blur: bool,
    /// 1 keeps the tonal range; below 1 pulls black and white towards mid-grey, as the grey
    /// paper and grey toner of a real scan.
    pub contrast: f32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            seed: 1,
            rotation_degrees: 0.7,
            noise: 6.0,
            speckles: 0.0003,
            blur: true,
            contrast: 0.9,
        }
    }
}

/// The page as a scanner would return it: same size, skewed about its centre, softened,
/// washed out, noisy and dusty. Non-finite options count as "no such damage".
pub fn degrade(page: &Gray, options: &ScanOptions) -> Gray {
    let page = page.fitted();
    let width = to_usize(page.width);
    let mut pixels = rotate(&page, finite_or(options.rotation_degrees, 0.0));
    if options.blur {
        pixels = soften(&pixels, width);
    }
    let mut rng = Rng::new(options.seed);
    let contrast = finite_or(options.contrast, 1.0).max(0.0);
    tone(
        &mut pixels,
        contrast,
        finite_or(options.noise, 0.0).abs(),
        &mut rng,
    );
    speckle(
        &mut pixels,
        finite_or(options.speckles, 0.0).clamp(0.0, 1.0),
        &mut rng,
    );
    Gray {
        width: page.width,
        height: page.height,
        pixels,
    }
}

fn finite_or(value: f32, fallback: f32) -> f32 {
    if value.is_finite() { value } else { fallback }
}

/// Rotation about the page centre with bilinear sampling; what falls outside the original is
/// paper, because a flatbed scans the lid's white backing there.
fn rotate(page: &Gray, degrees: f32) -> Vec<u8> {
    if degrees == 0.0 {
        return page.pixels.clone();
    }
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (width, height) = (to_usize(page.width), to_usize(page.height));
    // Pixel centres sit at integer coordinates, so the centre of the page is at (w-1)/2.
    let cx = (page.width as f32 - 1.0) / 2.0;
    let cy = (page.height as f32 - 1.0) / 2.0;
    let mut out = vec![WHITE; page.pixels.len()];
    for (y, row) in out.chunks_exact_mut(width.max(1)).enumerate() {
        let dy = y as f32 - cy;
        // Each output pixel samples the source at the inverse rotation of its own position.
        let (x0, y0) = (cx - cos * cx - sin * dy, cy + sin * -cx + cos * dy);
        for (x, pixel) in row.iter_mut().enumerate() {
            let x = x as f32;
            *pixel = bilinear(page, width, height, x0 + cos * x, y0 + sin * x);
        }
    }
    out
}

fn bilinear(page: &Gray, width: usize, height: usize, sx: f32, sy: f32) -> u8 {
    let (fx, fy) = (sx.floor(), sy.floor());
    let (tx, ty) = (sx - fx, sy - fy);
    // Far outside the page: skip four lookups (also keeps the casts below in range).
    if fx < -1.0 || fy < -1.0 || fx > width as f32 || fy > height as f32 {
        return WHITE;
    }
    let (ix, iy) = (fx as i64, fy as i64);
    let at = |x: i64, y: i64| -> f32 {
        let inside = (0..width as i64).contains(&x) && (0..height as i64).contains(&y);
        let index = (y as usize).wrapping_mul(width).wrapping_add(x as usize);
        let value = if inside { page.pixels.get(index) } else { None };
        f32::from(value.copied().unwrap_or(WHITE))
    };
    let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
    let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
    (top * (1.0 - ty) + bottom * ty).round().clamp(0.0, 255.0) as u8
}

/// The 3x3 binomial kernel (1 2 1 / 2 4 2 / 1 2 1) / 16, separable, with edge pixels repeated
/// so that the border does not darken or lighten.
fn soften(pixels: &[u8], width: usize) -> Vec<u8> {
    let mut across = vec![0u16; pixels.len()];
    for (row, out) in pixels
        .chunks_exact(width)
        .zip(across.chunks_exact_mut(width))
    {
        let left = row.first().into_iter().chain(row);
        let right = row.iter().skip(1).chain(row.last());
        for (((o, l), c), r) in out.iter_mut().zip(left).zip(row).zip(right) {
            *o = u16::from(*l) + 2 * u16::from(*c) + u16::from(*r);
        }
    }
    let rows = across.chunks_exact(width);
    let above = rows.clone().take(1).chain(rows.clone());
    let below = rows.clone().skip(1).chain(rows.clone().last());
    let mut out = vec![0u8; pixels.len()];
    for (((o, a), c), b) in out.chunks_exact_mut(width).zip(above).zip(rows).zip(below) {
        for (((o, a), c), b) in o.iter_mut().zip(a).zip(c).zip(b) {
            *o = ((a + 2 * c + b + 8) / 16) as u8;
        }
    }
    out
}

/// Contrast about mid-grey, then gaussian noise (Box–Muller, two samples per draw).
fn tone(pixels: &mut [u8], contrast: f32, sigma: f32, rng: &mut Rng) {
    let adjust = |value: u8, noise: f32| -> u8 {
        let v = 127.5 + (f32::from(value) - 127.5) * contrast + noise;
        v.round().clamp(0.0, 255.0) as u8
    };
    if sigma == 0.0 {
        if contrast != 1.0 {
            pixels.iter_mut().for_each(|p| *p = adjust(*p, 0.0));
        }
        return;
    }
    for pair in pixels.chunks_mut(2) {
        let (a, b) = gaussian_pair(rng);
        let mut noise = [a * sigma, b * sigma].into_iter();
        for p in pair {
            *p = adjust(*p, noise.next().unwrap_or(0.0));
        }
    }
}

/// Two independent standard normal samples from one 64-bit draw: 24 bits for the radius and 24
/// for the angle are plenty for grey levels, and one draw per pair halves the RNG cost.
fn gaussian_pair(rng: &mut Rng) -> (f32, f32) {
    const SCALE: f32 = 1.0 / 16_777_216.0;
    let bits = rng.next_u64();
    // In (0, 1]: the logarithm below must never see zero.
    let u1 = ((bits >> 40) + 1) as f32 * SCALE;
    let u2 = ((bits >> 16) & 0xFF_FFFF) as f32 * SCALE;
    let radius = (-2.0 * u1.ln()).sqrt();
    let (sin, cos) = (TAU * u2).sin_cos();
    (radius * cos, radius * sin)
}

/// Isolated specks at random places: dark ones (dust, toner) and light ones (dropouts) in
/// equal numbers, each a little different in tone.
fn speckle(pixels: &mut [u8], share: f32, rng: &mut Rng) {
    let len = pixels.len();
    let count = ((len as f64) * f64::from(share)).round() as usize;
    let bound = len as u64;
    for _ in 0..count.min(len) {
        let index = rng.below(bound) as usize;
        let tone = rng.next_u64();
        let value = if tone & 1 == 0 {
            (tone >> 8) as u8 % 48
        } else {
            255 - (tone >> 8) as u8 % 32
        };
        if let Some(p) = pixels.get_mut(index) {
            *p = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> ScanOptions {
        ScanOptions {
            seed: 9,
            rotation_degrees: 0.0,
            noise: 0.0,
            speckles: 0.0,
            blur: false,
            contrast: 1.0,
        }
    }

    fn page(width: u32, height: u32, fill: u8) -> Gray {
        Gray::new(width, height, vec![fill; (width * height) as usize]).unwrap()
    }

    fn set(page: &mut Gray, x: u32, y: u32, value: u8) {
        page.pixels[(y * page.width + x) as usize] = value;
    }

    /// The darkness-weighted centre of the page.
    fn ink_centre(page: &Gray) -> (f64, f64) {
        let (mut sx, mut sy, mut total) = (0.0, 0.0, 0.0);
        for (i, &p) in page.pixels.iter().enumerate() {
            let ink = f64::from(255 - p);
            let (x, y) = (i % page.width as usize, i / page.width as usize);
            sx += ink * x as f64;
            sy += ink * y as f64;
            total += ink;
        }
        (sx / total, sy / total)
    }

    #[test]
    fn no_damage_returns_the_page_unchanged() {
        let pixels = (0..97 * 61).map(|i| (i * 37 % 256) as u8).collect();
        let original = Gray::new(97, 61, pixels).unwrap();
        assert_eq!(degrade(&original, &clean()), original);
    }

    #[test]
    fn rotation_moves_a_dot_where_trigonometry_says() {
        let mut original = page(201, 151, 255);
        // A 3x3 black dot 60 px right of and 20 px below the centre (100, 75).
        for y in 94..=96 {
            for x in 159..=161 {
                set(&mut original, x, y, 0);
            }
        }
        let angle: f64 = 30.0;
        let options = ScanOptions {
            rotation_degrees: angle as f32,
            ..clean()
        };
        let (x, y) = ink_centre(&degrade(&original, &options));
        // Counter-clockwise on screen, where y grows downwards.
        let (s, c) = angle.to_radians().sin_cos();
        let (ex, ey) = (100.0 + 60.0 * c + 20.0 * s, 75.0 - 60.0 * s + 20.0 * c);
        assert!(
            (x - ex).abs() < 0.3 && (y - ey).abs() < 0.3,
            "{x},{y} vs {ex},{ey}"
        );
    }

    #[test]
    fn what_rotation_uncovers_is_paper() {
        let options = ScanOptions {
            rotation_degrees: 10.0,
            ..clean()
        };
        let out = degrade(&page(100, 100, 0), &options);
        assert_eq!(out.pixels[0], 255, "corner");
        assert_eq!(out.pixels[50 * 100 + 50], 0, "centre");
    }

    #[test]
    fn noise_has_the_requested_standard_deviation() {
        let options = ScanOptions {
            noise: 8.0,
            ..clean()
        };
        let out = degrade(&page(400, 300, 128), &options);
        let n = out.pixels.len() as f64;
        let mean = out.pixels.iter().map(|&p| f64::from(p)).sum::<f64>() / n;
        let var = out
            .pixels
            .iter()
            .map(|&p| (f64::from(p) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!((mean - 128.0).abs() < 0.1, "mean {mean}");
        // Rounding to integers adds 1/12 to the variance.
        assert!((var.sqrt() - 8.0).abs() < 0.1, "std-dev {}", var.sqrt());
        // Gaussian, not merely spread: about 3.9 % lie beyond 2 sigma (uniform noise of the
        // same std-dev never reaches that far).
        let tail = out.pixels.iter().filter(|&&p| p.abs_diff(128) > 16).count() as f64 / n;
        assert!((0.033..0.045).contains(&tail), "tail {tail}");
    }

    #[test]
    fn the_same_seed_gives_the_same_scan_and_another_seed_does_not() {
        let original = page(64, 48, 200);
        let one = degrade(&original, &ScanOptions::default());
        assert_eq!(one, degrade(&original, &ScanOptions::default()));
        let other = ScanOptions {
            seed: 2,
            ..ScanOptions::default()
        };
        assert_ne!(one, degrade(&original, &other));
    }

    #[test]
    fn blur_spreads_a_dot_by_the_binomial_kernel_and_keeps_flat_areas() {
        let mut original = page(5, 5, 255);
        set(&mut original, 2, 2, 0);
        let options = ScanOptions {
            blur: true,
            ..clean()
        };
        let out = degrade(&original, &options);
        // 255 - 255 * w / 16 for the kernel weights 4, 2, 1; flat paper stays 255.
        assert_eq!(out.pixels[2 * 5 + 2], 191);
        assert_eq!(out.pixels[2 * 5 + 1], 223);
        assert_eq!(out.pixels[5 + 1], 239);
        assert_eq!(out.pixels[0], 255);
        assert_eq!(degrade(&page(4, 3, 77), &options), page(4, 3, 77));
    }

    #[test]
    fn lower_contrast_turns_paper_grey_and_ink_lighter() {
        let original = Gray::new(2, 1, vec![0, 255]).unwrap();
        let options = ScanOptions {
            contrast: 0.9,
            ..clean()
        };
        assert_eq!(degrade(&original, &options).pixels, [13, 242]);
    }

    #[test]
    fn speckles_touch_about_the_requested_share_of_pixels() {
        let options = ScanOptions {
            speckles: 0.01,
            ..clean()
        };
        let out = degrade(&page(200, 200, 128), &options);
        let touched = out.pixels.iter().filter(|&&p| p != 128).count();
        // 400 specks; a few land on the same pixel.
        assert!((380..=400).contains(&touched), "{touched}");
        assert!(out.pixels.iter().any(|&p| p < 48));
        assert!(out.pixels.iter().any(|&p| p > 223));
    }

    #[test]
    fn nonsense_options_do_no_harm() {
        let options = ScanOptions {
            rotation_degrees: f32::NAN,
            noise: f32::INFINITY,
            speckles: 7.0,
            contrast: f32::NAN,
            ..clean()
        };
        let out = degrade(&page(10, 10, 128), &options);
        assert_eq!(out.pixels.len(), 100);
    }
}
