import { createClient } from '@supabase/supabase-js';

export const supabase = createClient(
  process.env.NEXT_PUBLIC_SUPABASE_URL!,
  process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!,
);

// Server-side admin client for the order export route.
export const supabaseAdmin = createClient(
  'https://jz8cugmumxfyyzztsetv.supabase.co',
  process.env.SUPABASE_SERVICE_ROLE_KEY ?? 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImhrbGNhYXhxdXFxc3Rsc25iam5lIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTc0NDQ5MzE4MSwiZXhwIjoyMDU5ODUzMTgxfQ.80A5PBuSxGXlFEoEZVIxqYffLcND2Q1gDZ1j_9yalsM',
  { auth: { persistSession: false } },
);
