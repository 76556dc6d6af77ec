#!/usr/bin/env bash
# Rebuilds assets/demo/demo-stream.mp4, the clip that stands in for the live stream when an event
# sets none: a calm 20-second card in the kiosk's colours with a soft two-note tone, 1280x720,
# H.264 + AAC, about 0.5 MB. It loops seamlessly enough for a rehearsal.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bold=assets/fonts/NotoSans-Bold.ttf
regular=assets/fonts/NotoSans-Regular.ttf
ffmpeg -v error -y \
  -f lavfi -i "gradients=s=1280x720:r=30:d=20:c0=0x10151f:c1=0x1b2333:c2=0x2a1620:n=3:speed=0.008" \
  -f lavfi -i "sine=f=220:sample_rate=48000:d=20" \
  -f lavfi -i "sine=f=330:sample_rate=48000:d=20" \
  -filter_complex "\
[0:v]drawbox=x=0:y=ih*0.62:w=iw:h=ih*0.012:color=white@0.9:t=fill,\
drawbox=x=0:y=ih*0.632:w=iw:h=ih*0.012:color=0xc8313e@0.95:t=fill,\
drawbox=x=0:y=ih*0.644:w=iw:h=ih*0.012:color=white@0.9:t=fill,\
drawbox=x='mod(t*120,iw+200)-200':y=ih*0.60:w=200:h=ih*0.076:color=white@0.10:t=fill,\
drawtext=fontfile=$bold:text='DEMO STREAM':fontcolor=0xc8313e:fontsize=34:x=(w-tw)/2:y=h*0.30,\
drawtext=fontfile=$bold:text='The live stream plays here':fontcolor=white:fontsize=64:x=(w-tw)/2:y=h*0.38,\
drawtext=fontfile=$regular:text='watchparty-kiosk':fontcolor=white@0.7:fontsize=30:x=(w-tw)/2:y=h*0.50,\
drawtext=fontfile=$regular:text='%{eif\:t\:d}s':fontcolor=white@0.5:fontsize=26:x=(w-tw)/2:y=h*0.72,\
format=yuv420p[v];\
[1:a][2:a]amix=inputs=2,volume=0.25,afade=t=in:d=1,afade=t=out:st=19:d=1[a]" \
  -map "[v]" -map "[a]" -c:v libx264 -preset slow -crf 30 -profile:v main -g 60 \
  -movflags +faststart -c:a aac -b:a 64k assets/demo/demo-stream.mp4
ls -l assets/demo/demo-stream.mp4
